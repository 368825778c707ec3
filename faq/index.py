"""FaqIndex: ranks FAQ entries for a shopper message and decides whether the best is confident.

Two stages. Retrieval: an inverted index from features (words, character bigrams, pinyin
bigrams) to entries, weighted by IDF, picks a few candidate entries. Scoring: each question
text of a candidate is compared with the query by weighted feature overlap (how much of the
FAQ question the query covers and how much of the query the question explains) and by a
rapidfuzz ratio of the normalised strings; an entry scores as its best text. The index is
immutable after `build`, so concurrent `match` calls need no lock.
"""

from __future__ import annotations

import heapq
import math
import re
import threading
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from rapidfuzz import fuzz, process

from faq.analysis import Analysis, Analyzer, analyzer_for
from faq.combine import (
    Candidate,
    SemanticVectors,
    Vectors,
    calibration_features,
    probability,
    rerank,
)
from faq.config import ScoringConfig
from faq.entries import FaqEntry
from faq.features import (
    STOP_WORDS,
    char_bigrams,
    frame_features,
    general_frequency,
    homophone_words,
    is_cjk_char,
    is_content_word,
    is_neutral_word,
    pinyin_key,
)
from faq.semantic import SentenceEncoder, default_encoder
from faq.topics import TOPIC_PREFIX

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
    # The second stage's calibrated probability that the best match is right (None when the
    # lexical stage decided alone or no sentence encoder is installed).
    probability: float | None = None

    @property
    def best(self) -> Match | None:
        return self.matches[0] if self.matches else None


class FaqIndex:
    """An immutable, thread-safe matcher over enabled FAQ entries.

    Feature weights (IDF) and question weights are computed on first use and memoised, so
    that `build` stays cheap (an admin edit rebuilds the whole index); the memo values are
    deterministic, so two threads filling the same slot write the same number.
    """

    def __init__(
        self,
        entries: tuple[FaqEntry, ...],
        questions: tuple[tuple[Analysis, ...], ...],
        entry_features: tuple[frozenset[str], ...],
        postings: dict[str, list[int]],
        analyzer: Analyzer,
        config: ScoringConfig,
        answers: tuple[Analysis, ...] = (),
        encoder: SentenceEncoder | None = None,
        vectors: SemanticVectors | None = None,
    ) -> None:
        self._entries = entries
        self._answers = answers
        self._encoder = encoder
        self._vectors = vectors
        # The lexical stage's confidence was calibrated on a FAQ with many phrasings per entry;
        # below `trusted_phrasings` on average its sure answers are checked by the second stage.
        phrasings = sum(len(q) for q in questions) / max(len(questions), 1)
        self._lexical_trusted = phrasings >= config.trusted_phrasings
        self._questions = questions
        self._question_texts = tuple(
            tuple(question.normalized for question in entry) for entry in questions
        )
        self._entry_features = entry_features
        self._postings = postings
        self._analyzer = analyzer
        self._config = config
        self._unseen_idf = _idf(len(entries), 0)
        self._feature_weights: dict[str, float] = {}
        self._question_weights: dict[tuple[int, int], float] = {}
        self._homophones: _HomophoneTable | None = None
        self._homophones_lock = threading.Lock()
        self._entry_intents: dict[int, frozenset[str]] = {}
        # In a big FAQ a feature shared by a quarter of the entries (什么, 怎么) cannot tell
        # entries apart; leaving it out of candidate selection keeps queries fast.
        self._common_feature_limit = max(200, len(entries) // 4)

    @classmethod
    def build(
        cls,
        entries: Iterable[FaqEntry],
        synonyms: Mapping[str, str] | None = None,
        *,
        use_default_synonyms: bool = True,
        config: ScoringConfig | None = None,
        encoder: SentenceEncoder | None = None,
    ) -> FaqIndex:
        """Index the enabled entries.

        `synonyms` (variant → canonical) extends the packaged shop map, or replaces it when
        `use_default_synonyms` is false. Text analysis is cached per synonym map, so rebuilding
        after an edit only analyses the changed questions. `encoder` is the sentence encoder of
        the second stage (default: the packaged USE model when installed and
        `config.semantic`); its vectors of the questions and answers are computed here.
        """
        config = config or ScoringConfig()
        analyzer = analyzer_for(synonyms, use_default=use_default_synonyms)
        enabled = tuple(entry for entry in entries if entry.enabled)
        questions = tuple(
            tuple(a for a in analyzer.analyse_many(entry.questions()) if a.normalized)
            for entry in enabled
        )
        entry_features = tuple(
            frozenset().union(*(a.features for a in analyses)) for analyses in questions
        )
        postings: defaultdict[str, list[int]] = defaultdict(list)
        for position, features in enumerate(entry_features):
            for feature in features:
                postings[feature].append(position)
        if encoder is None and config.semantic:
            encoder = default_encoder()
        vectors = answers = None
        if encoder is not None and config.semantic and enabled:
            vectors = SemanticVectors.build(encoder, enabled, config.semantic_question_budget)
            answers = tuple(analyzer.analyse_many(entry.answer for entry in enabled))
        return cls(
            enabled,
            questions,
            entry_features,
            dict(postings),
            analyzer,
            config,
            answers or (),
            encoder if vectors is not None else None,
            vectors,
        )

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def config(self) -> ScoringConfig:
        return self._config

    def _weight(self, feature: str) -> float:
        weight = self._feature_weights.get(feature)
        if weight is not None:
            return weight
        postings = self._postings.get(feature)
        if postings is None:
            # Not memoised: unseen features come from arbitrary shopper text.
            return (
                self._unseen_idf
                * self._config.unseen_factor
                * _feature_factor(feature, self._config)
            )
        weight = _idf(len(self._entries), len(postings)) * _feature_factor(feature, self._config)
        self._feature_weights[feature] = weight
        return weight

    def _question_weight(self, position: int, number: int) -> float:
        key = (position, number)
        weight = self._question_weights.get(key)
        if weight is None:
            features = self._questions[position][number].features
            weight = sum(self._weight(f) for f in features)
            self._question_weights[key] = weight
        return weight

    def _homophone_table(self) -> _HomophoneTable:
        if self._homophones is None:
            with self._homophones_lock:
                if self._homophones is None:
                    self._homophones = _HomophoneTable.from_features(self._postings)
        return self._homophones

    def _analyse_query(self, query: str) -> Analysis:
        analysis = self._analyzer.analyse(query)
        table = self._homophone_table()
        corrected = homophone_words(analysis.normalized, table.words_by_pinyin, table.known)
        if not corrected:
            return analysis
        # A homophone typo counts as the word it sounds like (the word and its bigrams).
        extra = {"w:" + word for word in corrected}
        extra.update("b:" + gram for word in corrected for gram in char_bigrams(word))
        for word in corrected:
            extra.update(self._analyzer.topics.features(word))
        return Analysis(normalized=analysis.normalized, features=analysis.features | extra)

    def _candidates(self, features: frozenset[str]) -> list[int]:
        accumulated: dict[int, float] = {}
        limit = self._common_feature_limit
        for feature in features:
            postings = self._postings.get(feature)
            if postings is None or len(postings) > limit:
                continue
            weight = self._weight(feature)
            for position in postings:
                accumulated[position] = accumulated.get(position, 0.0) + weight
        count = self._config.candidate_count
        if len(accumulated) <= count:
            return list(accumulated)
        return heapq.nlargest(count, accumulated, key=accumulated.__getitem__)

    def _overlap_weight(self, features: frozenset[str]) -> float:
        # The hot loop of matching: memoised weights read directly, the method only on a miss.
        known = self._feature_weights
        total = 0.0
        for feature in features:
            weight = known.get(feature)
            total += weight if weight is not None else self._weight(feature)
        return total

    def _score_entry(self, query: Analysis, query_weight: float, position: int) -> float:
        return self._score_entries(query, query_weight, [position])[0]

    def _score_entries(
        self, query: Analysis, query_weight: float, positions: Sequence[int]
    ) -> list[float]:
        """Each entry's raw similarity to the query: its best question's blend of feature
        overlap and fuzzy ratio, with the share of the query the entry covers."""
        config = self._config
        query_features = query.features
        query_part = config.query_share * query_weight
        question_share = 1 - config.query_share
        fuzzy_weight = config.fuzzy_weight
        # One call into rapidfuzz for every question of every entry (the same scores as one
        # call per question, without the interpreter's loop around it).
        texts = [text for position in positions for text in self._question_texts[position]]
        fuzzies: list[float] = (
            process.cdist(
                [query.normalized],
                texts,
                scorer=_FUZZY[config.fuzzy_kind],
                dtype=np.float64,
                workers=1,
            )[0].tolist()
            if texts
            else []
        )
        scores: list[float] = []
        offset = 0
        for position in positions:
            questions = self._questions[position]
            shared = query_features & self._entry_features[position]
            best_question = 0.0
            for number, question in enumerate(questions):
                # No feature in common: the overlap is nought whatever the question's weight.
                common = query_features & question.features if shared else shared
                lexical = 0.0
                if common:
                    overlap = self._overlap_weight(common)
                    denominator = query_part + question_share * self._question_weight(
                        position, number
                    )
                    lexical = overlap / denominator if denominator > 0 else 0.0
                score = (1 - fuzzy_weight) * lexical + fuzzy_weight * fuzzies[
                    offset + number
                ] / 100.0
                if score > best_question:
                    best_question = score
            offset += len(questions)
            entry_coverage = self._overlap_weight(shared) / query_weight
            scores.append(
                (1 - config.entry_weight) * best_question + config.entry_weight * entry_coverage
            )
        return scores

    def _spelt_in_faq(self, word: str) -> bool:
        """Whether every character pair of the word occurs in some FAQ question (到付 when jieba
        cut the question as 能到/付): a segmentation accident, not a new topic."""
        grams = char_bigrams(word)
        return len(word) >= 2 and all("b:" + gram in self._postings for gram in grams)

    def rank(self, query: str, k: int = 3) -> list[Match]:
        """The k best entries for the query, best first, with scores 0-100 (as `match` ranks)."""
        return self.match(query, k).matches

    def _rank_query(self, query: str) -> tuple[list[tuple[float, int]], Analysis]:
        """Ranked (raw, position) and the query's analysis."""
        analysis = self._analyse_query(query)
        return self._ranked(analysis), analysis

    def _ranked(self, analysis: Analysis) -> list[tuple[float, int]]:
        """(raw similarity 0-1, entry position) for every candidate, best first."""
        if not self._entries or not analysis.features:
            return []
        query_weight = self._query_weight(analysis)
        positions = self._candidates(analysis.features)
        scores = self._score_entries(analysis, query_weight, positions)
        scored = list(zip(scores, positions, strict=True))
        scored.sort(key=lambda pair: (-pair[0], pair[1]))
        return scored

    def _query_weight(self, analysis: Analysis) -> float:
        return sum(self._weight(f) for f in analysis.features)

    def _matches(self, ranked: list[tuple[float, int]], k: int) -> list[Match]:
        return [
            Match(
                id=self._entries[position].id,
                score=round(_published_score(raw), 2),
                question=self._entries[position].question,
                answer=self._entries[position].answer,
            )
            for raw, position in ranked[: max(k, 0)]
        ]

    def match(self, query: str, k: int = 3) -> MatchResult:
        """Rank the entries and decide whether the best one can be answered without asking."""
        return self.match_many([query], k)[0]

    def match_many(self, queries: Sequence[str], k: int = 3) -> list[MatchResult]:
        """`match` for several queries at once (concurrent shoppers): the ones the lexical stage
        is unsure of are embedded in one batch: 1.3-1.9× the throughput of one by one in
        bench/faq.py (docs/benchmarks.md)."""
        firsts = [self._lexical_match(query) for query in queries]
        results = [
            MatchResult(
                query=query, matches=self._matches(first.ranked, k), confident=first.confident
            )
            for query, first in zip(queries, firsts, strict=True)
        ]
        unsure = [
            number
            for number, (query, first) in enumerate(zip(queries, firsts, strict=True))
            if self._needs_second_stage(query, first)
        ]
        if unsure and self._encoder is not None:
            vectors = self._encoder.encode([queries[number] for number in unsure])
            for row, number in enumerate(unsure):
                first = firsts[number]
                results[number] = self._second_stage(
                    queries[number], first.analysis, first.ranked, vectors[row], k, first.confident
                )
        return results

    def _lexical_match(self, query: str) -> LexicalDecision:
        """The lexical stage: the ranking, and whether it is sure before and after the guard."""
        config = self._config
        ranked, analysis = self._rank_query(query)
        sure = confident = False
        if ranked:
            signals = self._signals(analysis, ranked)
            sure = signals.confident(config)
            if not sure and config.clause_confidence:
                clause_signals = self._clause_signals(analysis, ranked)
                sure = clause_signals is not None and clause_signals.confident(config)
            confident = sure
            if sure and config.out_of_scope_guard:
                confident = not self._out_of_scope(query, analysis, ranked[0][1])
        return LexicalDecision(ranked, analysis, sure, confident)

    def _needs_second_stage(self, query: str, first: LexicalDecision) -> bool:
        # Decided before the guard and whatever its setting, so that the guard changes
        # confidence only, never the ranking.
        if self._vectors is None or not first.analysis.normalized:
            return False
        if first.sure:
            return not self._lexical_trusted
        return not self._analyzer.guard.small_talk(query)

    def _second_stage(
        self,
        query: str,
        analysis: Analysis,
        ranked: list[tuple[float, int]],
        vector: Vectors,
        k: int,
        lexical_confident: bool = False,
    ) -> MatchResult:
        """Lexical and embedding evidence combined (faq/combine.py), with calibrated confidence."""
        assert self._vectors is not None
        config = self._config
        candidates = rerank(self, analysis, ranked, self._vectors, vector)
        features = calibration_features(self, analysis, candidates, lexical_confident)
        chance = probability(features, config.calibration)
        needed = (
            config.trusted_probability if self._lexical_trusted else config.confident_probability
        )
        confident = chance >= needed
        if confident and config.out_of_scope_guard:
            # The weak-match backstop reads the lexical score alone; the calibration has it.
            confident = not self._out_of_scope(
                query, analysis, candidates[0].position, weak_match=False
            )
        return MatchResult(
            query=query,
            matches=self._candidate_matches(candidates, k),
            confident=confident,
            probability=chance,
        )

    def _candidate_matches(self, candidates: list[Candidate], k: int) -> list[Match]:
        # The combined score on the lexical scale (weights summed to one), then stretched.
        total = 1.0 + sum(self._config.semantic_weights[:3])
        return [
            Match(
                id=self._entries[c.position].id,
                score=round(_published_score(c.combined / total), 2),
                question=self._entries[c.position].question,
                answer=self._entries[c.position].answer,
            )
            for c in candidates[: max(k, 0)]
        ]

    def _answer_coverage(self, analysis: Analysis, query_weight: float, position: int) -> float:
        """The weighted share of the query's features found in the entry's answer."""
        if not self._answers or query_weight <= 0:
            return 0.0
        shared = analysis.features & self._answers[position].features
        return self._overlap_weight(shared) / query_weight

    def _signals(self, analysis: Analysis, ranked: list[tuple[float, int]]) -> _Signals:
        """What the confidence test looks at, for the best of the ranked entries."""
        config = self._config
        best_raw, position = ranked[0]
        table = self._homophone_table()
        topics = self._analyzer.topics
        unknown_words = common_words = unknown_chars = story_words = 0
        known_weight = foreign_weight = 0.0
        entry_features = self._entry_features[position]
        # Computed on the first unknown word only: most queries have none.
        question_clauses: list[str] | None = None
        for feature in analysis.features:
            if not feature.startswith("w:") or feature in _FRAME_FEATURES:
                continue
            word = feature[2:]
            if feature not in self._postings:
                if is_neutral_word(word) or self._spelt_in_faq(word) or topics.topics(word):
                    continue
                if question_clauses is None:
                    question_clauses = self._question_clauses(analysis.normalized, entry_features)
                if len(word) >= 2:
                    if homophone_words(word, table.words_by_pinyin, table.known):
                        continue
                    frequency = general_frequency(word)
                    if config.known_fragments and frequency == 0 and self._known_fragment(word):
                        continue
                    if question_clauses and not any(word in c for c in question_clauses):
                        story_words += 1
                    elif config.common_word_frequency and frequency >= config.common_word_frequency:
                        common_words += 1
                    else:
                        unknown_words += 1
                elif is_cjk_char(word) and not self._common_char(word):
                    if question_clauses and not any(word in c for c in question_clauses):
                        story_words += 1
                    else:
                        unknown_chars += 1
                continue
            if len(word) < 2 or word in STOP_WORDS or is_neutral_word(word):
                continue
            weight = self._weight(feature)
            known_weight += weight
            if feature not in entry_features and not all(
                "b:" + gram in entry_features for gram in char_bigrams(word)
            ):
                foreign_weight += weight
        query_topics = [f for f in analysis.features if f.startswith(TOPIC_PREFIX)]
        topic_weight = sum(self._weight(f) for f in query_topics)
        missing_weight = sum(self._weight(f) for f in query_topics if f not in entry_features)
        runner_up = self._entry_features[ranked[1][1]] if len(ranked) > 1 else frozenset()
        topics_agree = bool(query_topics) and missing_weight == 0.0
        return _Signals(
            best=_published_score(best_raw),
            topic_missing_share=missing_weight / topic_weight if topic_weight else 0.0,
            topics_agree=topics_agree,
            topics_decide=topics_agree and any(f not in runner_up for f in query_topics),
            has_topics=bool(query_topics),
            # The lead is measured before the stretch, which squeezes differences near 100.
            lead=100.0 * (best_raw - (ranked[1][0] if len(ranked) > 1 else 0.0)),
            unknown_words=unknown_words,
            common_words=common_words,
            story_words=story_words,
            unknown_chars=unknown_chars,
            foreign_share=foreign_weight / known_weight if known_weight else 0.0,
        )

    def _clause_signals(
        self, analysis: Analysis, ranked: list[tuple[float, int]]
    ) -> _Signals | None:
        """The signals of the question clauses alone (the clauses of a long message that name a
        topic of the best entry), when ranking them alone puts the same entry first."""
        clauses = self._question_clauses(
            analysis.normalized, self._entry_features[ranked[0][1]], force=True
        )
        if not clauses:
            return None
        sub_ranked, sub_analysis = self._rank_query(" ".join(clauses))
        if not sub_ranked or sub_ranked[0][1] != ranked[0][1]:
            return None
        return self._signals(sub_analysis, sub_ranked)

    def _question_clauses(
        self, text: str, entry_features: frozenset[str], force: bool = False
    ) -> list[str]:
        """In a message of several clauses, the clauses that name a topic of the best entry
        (the question), when every other clause names no topic at all and asks nothing (the
        story around the question). Empty for a one-clause message or when that is not so."""
        clauses = text.split()
        if len(clauses) < 2 or not (force or self._config.story_factor < 1.0):
            return []
        topics = self._analyzer.topics
        found: list[str] = []
        for clause in clauses:
            clause_topics = topics.topics(clause)
            if any(TOPIC_PREFIX + topic in entry_features for topic in clause_topics):
                found.append(clause)
            elif clause_topics or _INTERROGATIVE_RE.search(clause):
                return []
        return found if len(found) < len(clauses) else []

    def _common_char(self, char: str) -> bool:
        limit = self._config.common_char_frequency
        return bool(limit) and general_frequency(char) >= limit

    def _known_fragment(self, word: str) -> bool:
        """A word jieba's HMM made up (领了, 有个) whose every character this FAQ uses as a word,
        is a function or frame word, or is a common character."""
        return all(
            "w:" + char in self._postings
            or char in STOP_WORDS
            or "w:" + char in _FRAME_FEATURES
            or self._common_char(char)
            for char in word
        )

    def small_talk(self, query: str) -> Literal["thanks", "chat"] | None:
        """What a message that asks the FAQ nothing is: "thanks" (a thanks or goodbye with no
        question), "chat" (a greeting, "在吗", "你是机器人吗"), or None for everything else.
        Lets a bot answer politely instead of counting it as a question it could not answer."""
        guard = self._analyzer.guard
        if guard.acknowledgement(query):
            return "thanks"
        if guard.small_talk(query):
            return "chat"
        return None

    def suggest(self, query: str, k: int = 3) -> list[Match]:
        """'Did you mean' choices: the best k entries that are at least plausible; none for pure
        small talk (你好, 谢谢, 转人工)."""
        if self._small_talk_only(query):
            return []
        return self.choices(query, self.match(query, k))

    def plausible(self, query: str, k: int = 3) -> list[Match]:
        """The confident matches, else the 'did you mean' choices (`suggest`), from one
        ranking: what an agent is offered beside a shopper's message."""
        return self.plausible_from(query, self.match(query, k))

    def plausible_from(self, query: str, result: MatchResult) -> list[Match]:
        """`plausible` from a ranking already made for `query` (`match`, `match_many`)."""
        return result.matches if result.confident else self.choices(query, result)

    def choices(self, query: str, result: MatchResult) -> list[Match]:
        """`suggest`'s choices from a ranking already made for `query` (`match`), so a caller
        that needs both ranks the question once."""
        if self._small_talk_only(query):
            return []
        floor = (
            self._config.suggest_score
            if result.probability is None
            else self._config.plausible_score
        )
        return [m for m in result.matches if m.score >= floor]

    def _small_talk_only(self, query: str) -> bool:
        return self._config.out_of_scope_guard and self._analyzer.guard.small_talk(query)

    def _out_of_scope(
        self, query: str, analysis: Analysis, position: int, weak_match: bool = True
    ) -> bool:
        """The guard (faq/guard.py): small talk, a bare acknowledgement, or an intent the best
        entry is not about."""
        config = self._config
        guard = self._analyzer.guard
        if (
            weak_match
            and config.weak_match_score
            and not any(f.startswith(TOPIC_PREFIX) for f in analysis.features)
        ):
            best = _published_score(
                self._score_entry(analysis, self._query_weight(analysis), position)
            )
            if best < config.weak_match_score:
                shared = analysis.features & self._entry_features[position]
                coverage = self._overlap_weight(shared) / self._query_weight(analysis)
                if coverage < config.weak_match_coverage:
                    return True
        intents = guard.intents.topics(analysis.normalized)
        if intents and not intents <= self._intents_of(position):
            return True
        return guard.chat(query)

    def _intents_of(self, position: int) -> frozenset[str]:
        """The intents an entry is about: named by its main question, or by at least
        `intent_min_questions` of its questions (all of them when it has fewer)."""
        intents = self._entry_intents.get(position)
        if intents is None:
            lexicon = self._analyzer.guard.intents
            questions = self._questions[position]
            counts: dict[str, int] = {}
            for question in questions:
                for intent in lexicon.topics(question.normalized):
                    counts[intent] = counts.get(intent, 0) + 1
            needed = min(self._config.intent_min_questions, len(questions))
            main = self._analyzer.analyse(self._entries[position].question).normalized
            intents = frozenset(
                {i for i, count in counts.items() if count >= needed} | lexicon.topics(main)
            )
            self._entry_intents[position] = intents
        return intents


@dataclass(frozen=True)
class LexicalDecision:
    """What the lexical stage decided for one query."""

    ranked: list[tuple[float, int]]  # (raw similarity, entry position), best first
    analysis: Analysis
    sure: bool  # confident before the out-of-scope guard
    confident: bool  # ... and after it


@dataclass(frozen=True)
class _Signals:
    best: float  # published score of the best entry, 0-100
    lead: float  # raw similarity lead over the runner-up, x100
    unknown_words: int  # words of 2+ characters no FAQ question uses (nor a homophone of one)
    common_words: int  # unknown words that are common in general Chinese
    story_words: int  # unknown words or characters only outside the question's clauses
    unknown_chars: int  # single Chinese characters no FAQ question uses as a word
    foreign_share: float  # weighted share of the query's known content words the best lacks
    topic_missing_share: float  # weighted share of the query's topics the best never mentions
    topics_agree: bool  # the query has topics and the best entry mentions every one
    topics_decide: bool  # ... and the runner-up lacks at least one of them
    has_topics: bool  # the query mentions at least one shop topic

    def adjusted_score(self, config: ScoringConfig) -> float:
        relief = 1.0
        if self.topics_decide:
            relief = config.decided_relief
        elif self.topics_agree:
            relief = config.topic_agreement_relief
        words = min(self.unknown_words, config.unknown_word_limit)
        common = min(self.common_words, max(config.unknown_word_limit - words, 0))
        story = min(self.story_words, max(config.unknown_word_limit - words - common, 0))
        return (
            self.best
            - relief
            * config.unknown_word_penalty
            * (words + config.common_word_factor * common + config.story_factor * story)
            - config.unknown_char_penalty * min(self.unknown_chars, config.unknown_char_limit)
            - config.foreign_word_penalty * self.foreign_share
            - config.topic_missing_penalty * self.topic_missing_share
            - (0.0 if self.has_topics else config.no_topic_extra_score)
        )

    def confident(self, config: ScoringConfig) -> bool:
        margin = config.decided_margin if self.topics_decide else config.confident_margin
        return self.adjusted_score(config) >= config.confident_score and self.lead >= margin


@dataclass(frozen=True)
class _HomophoneTable:
    """The index's own words by toneless pinyin, for correcting homophone typos."""

    known: frozenset[str]
    words_by_pinyin: dict[str, tuple[str, ...]]

    @classmethod
    def from_features(cls, features: Iterable[str]) -> _HomophoneTable:
        known = frozenset(f[2:] for f in features if f.startswith("w:"))
        grouped: dict[str, set[str]] = {}
        for word in known:
            if is_content_word(word):
                grouped.setdefault(pinyin_key(word), set()).add(word)
        return cls(known, {key: tuple(sorted(words)) for key, words in grouped.items()})


_FUZZY = {
    "ratio": fuzz.ratio,
    "partial": fuzz.partial_ratio,
    "token_set": fuzz.token_set_ratio,
    "wratio": fuzz.WRatio,
}


def _published_score(raw: float) -> float:
    # Raw scores (0-1) of a good match sit around 0.35-0.6; this monotone stretch (1-(1-x)^2)
    # spreads them so that 50+ reads as "probably right" on the 0-100 scale agents see.
    fraction = min(max(raw, 0.0), 1.0)
    return 100.0 * (1.0 - (1.0 - fraction) ** 2)


_FRAME_FEATURES = frame_features()
# Words that make a clause a question of its own (a story clause must not ask anything).
_INTERROGATIVE_RE = re.compile(
    "什么|怎么|怎样|如何|为什么|多少|多久|哪|几|要不要|能不能|可不可以|可以|是不是|有没有|行不行"
)


def _feature_factor(feature: str, config: ScoringConfig) -> float:
    factor = config.namespace_weights[feature[0]]
    if feature in _FRAME_FEATURES:
        factor *= config.frame_factor
    if feature[0] == "w" and len(feature) == 3:
        factor *= config.single_char_word_factor
    return factor


def _idf(count: int, frequency: int) -> float:
    # BM25's IDF, shifted to stay positive: a feature in every entry still counts a little.
    return math.log(1.0 + (count - frequency + 0.5) / (frequency + 0.5))
