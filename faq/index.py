"""FaqIndex: ranks FAQ entries for a shopper message and decides whether the best is confident.

Two stages. Retrieval: an inverted index from features (words, character bigrams, pinyin
bigrams) to entries, weighted by IDF, picks a few candidate entries. Scoring: each question
text of a candidate is compared with the query by weighted feature overlap (how much of the
FAQ question the query covers and how much of the query the question explains) and by a
rapidfuzz ratio of the normalised strings; an entry scores as its best text. The index is
immutable after `build`, so concurrent `match` calls need no lock.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from faq.analysis import Analysis, Analyzer, analyzer_for
from faq.entries import FaqEntry
from faq.features import char_bigrams, homophone_words, is_content_word, pinyin_key

__all__ = ["FaqIndex", "Match", "MatchResult", "ScoringConfig"]


@dataclass(frozen=True)
class Match:
    """One ranked FAQ entry; score is 0-100 (higher is closer)."""

    id: str
    score: float
    question: str
    answer: str


@dataclass(frozen=True)
class MatchResult:
    """The ranked matches for one query, and whether the best one may be sent unasked."""

    query: str
    matches: list[Match]
    confident: bool

    @property
    def best(self) -> Match | None:
        return self.matches[0] if self.matches else None


@dataclass(frozen=True)
class ScoringConfig:
    """Weights and thresholds of the scorer; the defaults are calibrated on the tuning set."""

    namespace_weights: Mapping[str, float] = field(
        default_factory=lambda: {"w": 1.0, "b": 0.8, "p": 0.5}
    )
    # Share of the query's own weight in the overlap denominator: 0 means "the FAQ question is
    # fully present in the query" is enough, 1 means every query word must be explained.
    query_share: float = 0.35
    fuzzy_weight: float = 0.25
    candidate_count: int = 24
    confident_score: float = 55.0
    confident_margin: float = 8.0
    suggest_score: float = 30.0


@dataclass(frozen=True)
class _IndexedText:
    analysis: Analysis
    weight: float


@dataclass(frozen=True)
class _IndexedEntry:
    entry: FaqEntry
    texts: tuple[_IndexedText, ...]


class FaqIndex:
    """An immutable, thread-safe matcher over enabled FAQ entries."""

    def __init__(
        self,
        entries: tuple[_IndexedEntry, ...],
        postings: dict[str, tuple[int, ...]],
        idf: dict[str, float],
        unseen_idf: float,
        analyzer: Analyzer,
        config: ScoringConfig,
    ) -> None:
        self._entries = entries
        self._known_words = frozenset(f[2:] for f in idf if f.startswith("w:"))
        words_by_pinyin: dict[str, set[str]] = {}
        for word in self._known_words:
            if is_content_word(word):
                words_by_pinyin.setdefault(pinyin_key(word), set()).add(word)
        self._words_by_pinyin = {key: tuple(sorted(w)) for key, w in words_by_pinyin.items()}
        self._postings = postings
        self._idf = idf
        self._unseen_idf = unseen_idf
        self._analyzer = analyzer
        self._config = config

    @classmethod
    def build(
        cls,
        entries: Iterable[FaqEntry],
        synonyms: Mapping[str, str] | None = None,
        *,
        use_default_synonyms: bool = True,
        config: ScoringConfig | None = None,
    ) -> FaqIndex:
        """Index the enabled entries.

        `synonyms` (variant → canonical) extends the packaged shop map, or replaces it when
        `use_default_synonyms` is false. Text analysis is cached per synonym map, so rebuilding
        after an edit only analyses the changed questions.
        """
        config = config or ScoringConfig()
        analyzer = analyzer_for(synonyms, use_default=use_default_synonyms)
        enabled = [entry for entry in entries if entry.enabled]
        analysed = [
            (entry, [analyzer.analyse(text) for text in entry.questions()]) for entry in enabled
        ]

        document_frequency: dict[str, int] = {}
        entry_features: list[frozenset[str]] = []
        for _, analyses in analysed:
            features = frozenset().union(*(a.features for a in analyses))
            entry_features.append(features)
            for feature in features:
                document_frequency[feature] = document_frequency.get(feature, 0) + 1

        count = len(enabled)
        weights = config.namespace_weights
        idf = {
            feature: _idf(count, frequency) * weights[feature[0]]
            for feature, frequency in document_frequency.items()
        }
        unseen_idf = _idf(count, 0)

        postings_lists: dict[str, list[int]] = {}
        for position, features in enumerate(entry_features):
            for feature in features:
                postings_lists.setdefault(feature, []).append(position)
        postings = {feature: tuple(ids) for feature, ids in postings_lists.items()}

        indexed = tuple(
            _IndexedEntry(
                entry=entry,
                texts=tuple(
                    _IndexedText(analysis=a, weight=sum(idf[f] for f in a.features))
                    for a in analyses
                    if a.normalized
                ),
            )
            for entry, analyses in analysed
        )
        return cls(indexed, postings, idf, unseen_idf, analyzer, config)

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def config(self) -> ScoringConfig:
        return self._config

    def _weight(self, feature: str) -> float:
        weight = self._idf.get(feature)
        if weight is None:
            return self._unseen_idf * self._config.namespace_weights[feature[0]]
        return weight

    def _candidates(self, features: frozenset[str]) -> list[int]:
        accumulated: dict[int, float] = {}
        for feature in features:
            postings = self._postings.get(feature)
            if postings is None:
                continue
            weight = self._idf[feature]
            for position in postings:
                accumulated[position] = accumulated.get(position, 0.0) + weight
        if len(accumulated) <= self._config.candidate_count:
            return list(accumulated)
        ranked = sorted(accumulated, key=accumulated.__getitem__, reverse=True)
        return ranked[: self._config.candidate_count]

    def _score_text(self, query: Analysis, query_weight: float, text: _IndexedText) -> float:
        config = self._config
        overlap = sum(self._idf[f] for f in query.features & text.analysis.features)
        denominator = config.query_share * query_weight + (1 - config.query_share) * text.weight
        lexical = overlap / denominator if denominator > 0 else 0.0
        fuzzy = fuzz.ratio(query.normalized, text.analysis.normalized) / 100.0
        combined = (1 - config.fuzzy_weight) * lexical + config.fuzzy_weight * fuzzy
        return min(100.0, 100.0 * combined)

    def _analyse_query(self, query: str) -> Analysis:
        analysis = self._analyzer.analyse(query)
        corrected = homophone_words(analysis.normalized, self._words_by_pinyin, self._known_words)
        if not corrected:
            return analysis
        # A homophone typo counts as the word it sounds like (word and its bigrams).
        extra = {"w:" + word for word in corrected}
        extra.update("b:" + gram for word in corrected for gram in char_bigrams(word))
        return Analysis(normalized=analysis.normalized, features=analysis.features | extra)

    def rank(self, query: str, k: int = 3) -> list[Match]:
        """The k best entries for the query, best first, with scores 0-100."""
        if k <= 0 or not self._entries:
            return []
        analysis = self._analyse_query(query)
        if not analysis.features:
            return []
        query_weight = sum(self._weight(f) for f in analysis.features)
        scored: list[tuple[float, int]] = []
        for position in self._candidates(analysis.features):
            indexed = self._entries[position]
            best = max(
                (self._score_text(analysis, query_weight, text) for text in indexed.texts),
                default=0.0,
            )
            scored.append((best, position))
        scored.sort(key=lambda pair: (-pair[0], pair[1]))
        return [
            Match(
                id=self._entries[position].entry.id,
                score=round(score, 2),
                question=self._entries[position].entry.question,
                answer=self._entries[position].entry.answer,
            )
            for score, position in scored[:k]
        ]

    def match(self, query: str, k: int = 3) -> MatchResult:
        """Rank the entries and decide whether the best one can be answered without asking."""
        matches = self.rank(query, max(k, 2))
        confident = False
        if matches:
            runner_up = matches[1].score if len(matches) > 1 else 0.0
            confident = (
                matches[0].score >= self._config.confident_score
                and matches[0].score - runner_up >= self._config.confident_margin
            )
        return MatchResult(query=query, matches=matches[: max(k, 0)], confident=confident)

    def suggest(self, query: str, k: int = 3) -> list[Match]:
        """'Did you mean' choices: the best k entries that are at least plausible."""
        return [m for m in self.rank(query, k) if m.score >= self._config.suggest_score]


def _idf(count: int, frequency: int) -> float:
    # BM25's IDF, shifted to stay positive: a feature in every entry still counts a little.
    return math.log(1.0 + (count - frequency + 0.5) / (frequency + 0.5))
