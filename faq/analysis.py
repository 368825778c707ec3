"""Analysis of one text (normalised form + features), cached per synonym map.

The cache is what makes rebuilding an index after an admin edit cheap: unchanged questions
are not normalised or segmented again.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from faq.features import Features, text_features
from faq.guard import OutOfScopeGuard
from faq.normalize import Normalizer, fold_width_and_case, replace_symbols, to_simplified
from faq.synonyms import default_synonyms
from faq.topics import TopicLexicon, default_topic_table

__all__ = ["Analysis", "Analyzer", "analyzer_for"]


@dataclass(frozen=True)
class Analysis:
    """A text as the scorer sees it."""

    normalized: str
    features: Features


class Analyzer:
    """Normalises and featurises texts with one synonym map; caches recent texts."""

    def __init__(self, synonyms: Mapping[str, str], cache_size: int = 50_000) -> None:
        self.normalizer = Normalizer(synonyms)
        # Topic words are read like text (script, width, this map's synonyms), without the
        # filler step: they are fragments, not messages.
        self.topics = TopicLexicon(default_topic_table(), self._normalize_fragment)
        # Small talk, acknowledgements and question intents (the out-of-scope guard).
        self.guard = OutOfScopeGuard(self._normalize_fragment)
        self._cache: OrderedDict[str, Analysis] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()

    def _normalize_fragment(self, word: str) -> str:
        text = replace_symbols(fold_width_and_case(to_simplified(word)))
        return self.normalizer.apply_synonyms(text).strip()

    def analyse_many(self, texts: Iterable[str]) -> list[Analysis]:
        """Analyse several texts, taking the cache lock once for all the cached ones."""
        texts = list(texts)
        with self._lock:
            found = [self._cache.get(text) for text in texts]
        return [
            cached if cached is not None else self.analyse(text)
            for cached, text in zip(found, texts, strict=True)
        ]

    def analyse(self, text: str) -> Analysis:
        with self._lock:
            cached = self._cache.get(text)
            if cached is not None:
                self._cache.move_to_end(text)
                return cached
        normalized = self.normalizer.normalize(text)
        features = text_features(normalized)
        topics = self.topics.features(normalized)
        if topics:
            features = features | topics
        analysis = Analysis(normalized=normalized, features=features)
        with self._lock:
            self._cache[text] = analysis
            if len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return analysis


_analyzers_lock = threading.Lock()
# Shops with their own synonym maps each get an analyzer; keep the most recently used few.
_MAX_ANALYZERS = 32
_analyzers: OrderedDict[tuple[tuple[str, str], ...], Analyzer] = OrderedDict()


def analyzer_for(synonyms: Mapping[str, str] | None, *, use_default: bool = True) -> Analyzer:
    """The shared analyzer for this synonym map (default map plus the shop's overrides)."""
    merged = default_synonyms() if use_default else {}
    merged.update(synonyms or {})
    key = tuple(sorted(merged.items()))
    with _analyzers_lock:
        analyzer = _analyzers.get(key)
        if analyzer is None:
            analyzer = Analyzer(merged)
            _analyzers[key] = analyzer
            if len(_analyzers) > _MAX_ANALYZERS:
                _analyzers.popitem(last=False)
        else:
            _analyzers.move_to_end(key)
        return analyzer
