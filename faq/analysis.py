"""Analysis of one text (normalised form + features), cached per synonym map.

The cache is what makes rebuilding an index after an admin edit cheap: unchanged questions
are not normalised or segmented again.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass

from faq.features import Features, add_words, text_features
from faq.normalize import Normalizer
from faq.synonyms import default_synonyms

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
        # Canonical shop words must survive segmentation as single words.
        add_words(set(self.normalizer.synonyms.values()))
        self._cache: OrderedDict[str, Analysis] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()

    def analyse(self, text: str) -> Analysis:
        with self._lock:
            cached = self._cache.get(text)
            if cached is not None:
                self._cache.move_to_end(text)
                return cached
        normalized = self.normalizer.normalize(text)
        analysis = Analysis(normalized=normalized, features=text_features(normalized))
        with self._lock:
            self._cache[text] = analysis
            if len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return analysis


_analyzers_lock = threading.Lock()
_analyzers: dict[tuple[tuple[str, str], ...], Analyzer] = {}


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
        return analyzer
