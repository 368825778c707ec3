"""Shoppers' questions grouped by meaning, with the FAQ matcher as the judge of "the same".

Wordings that normalise alike (traditional/simplified, width, punctuation, emoji, greetings,
the shop synonyms) are one wording. The distinct wordings are then indexed as if each were an
FAQ entry, beside the shop's own FAQ (which gives the matcher's word weights a shop's worth of
text to learn from; a handful of questions alone make 可以 as rare as 刻字), and each is linked
to the wordings the matcher ranks close to it: what would answer one would answer the other.
Linked wordings form a group (union-find). Measured on a blind query set (300 queries, the
clothing FAQ beside them): at score 65 about four links in five join questions of the same
entry. CPU work (about 1 s for 500 distinct wordings): callers run it in a thread.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace

from chatserver.domain.bot_gaps import AskedQuestion, QuestionGroup
from faq import FaqEntry, FaqIndex, ScoringConfig
from faq.normalize import Normalizer
from faq.synonyms import default_synonyms

SAME_MEANING_SCORE = 65.0
NEIGHBOURS = 6
_BACKGROUND = "faq:"
# Lexical matcher only: the threshold above was tuned on it, and the sentence-embedding stage
# (one encode at a time per process) would hold up shoppers' questions while a supervisor waits.
_GROUPING_CONFIG = ScoringConfig(semantic=False)

_normalizer: Normalizer | None = None


def _normalized(text: str) -> str:
    global _normalizer
    if _normalizer is None:
        _normalizer = Normalizer(default_synonyms())
    return _normalizer.normalize(text).replace(" ", "") or text


def group_by_meaning(
    questions: list[AskedQuestion], shop_faq: Iterable[FaqEntry] = ()
) -> list[QuestionGroup]:
    by_wording: dict[str, list[AskedQuestion]] = defaultdict(list)
    for question in questions:
        by_wording[_normalized(question.text)].append(question)
    wordings = list(by_wording)
    parent = list(range(len(wordings)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    if len(wordings) > 1:
        background = [replace(e, id=_BACKGROUND + e.id, enabled=True) for e in shop_faq]
        index = FaqIndex.build(
            [
                *(
                    FaqEntry(id=str(i), question=by_wording[w][0].text, answer="-")
                    for i, w in enumerate(wordings)
                ),
                *background,
            ],
            config=_GROUPING_CONFIG,
        )
        for i, wording in enumerate(wordings):
            ranked = index.rank(by_wording[wording][0].text, k=NEIGHBOURS + 10)
            for match in [m for m in ranked if not m.id.startswith(_BACKGROUND)][:NEIGHBOURS]:
                if match.score >= SAME_MEANING_SCORE:
                    parent[root(int(match.id))] = root(i)
    groups: dict[int, list[AskedQuestion]] = defaultdict(list)
    for i, wording in enumerate(wordings):
        groups[root(i)].extend(by_wording[wording])
    return [QuestionGroup(tuple(members)) for members in groups.values()]
