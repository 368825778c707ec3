"""Chinese shop-FAQ matcher: normalise shopper text, rank FAQ entries, know when unsure.

Importable on its own (never imports chatserver). Typical use::

    index = FaqIndex.build(load_default_faq())
    result = index.match("亲，顺丰能发吗")
    if result.confident:
        reply(result.best.answer)
    else:
        offer(index.suggest("亲，顺丰能发吗"))
"""

from faq.entries import FaqEntry, FaqFileError, load_default_faq, load_entries
from faq.index import FaqIndex, Match, MatchResult, ScoringConfig
from faq.synonyms import default_synonyms, load_synonyms

__all__ = [
    "FaqEntry",
    "FaqFileError",
    "FaqIndex",
    "Match",
    "MatchResult",
    "ScoringConfig",
    "default_synonyms",
    "load_default_faq",
    "load_entries",
    "load_synonyms",
]
