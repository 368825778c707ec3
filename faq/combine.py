"""The second stage: lexical and sentence-embedding evidence combined, and calibrated confidence.

Used when the lexical stage alone is not confident (a shop's sparse FAQ of another trade, a
question worded like none of the entry's phrasings). For every candidate entry (the lexical
candidates plus the entries nearest in embedding space) it combines four signals:

- `lexical`: the lexical stage's raw similarity (index.py);
- `answer_coverage`: the weighted share of the query's features found in the entry's answer
  (the answer names things the questions do not: 防窥膜 answers "别人从旁边看不到的膜");
- `question_cosine`: the best cosine between the query and the entry's questions;
- `answer_cosine`: the cosine between the query and the entry's answer;

minus a share of the query's shop topics (data/topics.tsv) that the entry's questions never
mention. The ranking score is their weighted sum (`ScoringConfig.semantic_weights`). Confidence is a
logistic model over features of the best two entries (`CALIBRATION`), fitted across shops of
different trades and sizes (bench/faq_calibrate.py, leave-one-shop-out), so that a probability
means the same in a 35-entry FAQ and in a 49-entry one with 25 phrasings per entry.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from faq.analysis import Analysis
from faq.entries import FaqEntry
from faq.semantic import SentenceEncoder
from faq.topics import TOPIC_PREFIX

if TYPE_CHECKING:
    from faq.index import FaqIndex

__all__ = [
    "CALIBRATION",
    "Candidate",
    "SemanticVectors",
    "calibration_features",
    "probability",
    "rerank",
]

Vectors = npt.NDArray[np.float32]

# Fitted by bench/faq_calibrate.py (logistic regression over the shops' tuning sets and the
# clothing tune set): (feature, weight); "bias" is the intercept.
CALIBRATION: tuple[tuple[str, float], ...] = (
    ("bias", -2.5640),
    ("combined", 2.1546),
    ("lead", 2.0229),
    ("lexical", -4.1656),
    ("lexical_lead", 2.6552),
    ("question_cosine", -1.5296),
    ("cosine_lead", 3.1197),
    ("answer_cosine", 1.1090),
    ("answer_coverage", 2.8841),
    ("agreement", 0.0817),
    ("penalty", -0.8883),
    ("has_topics", 1.2707),
    ("lexical_confident", 1.1986),
)


@dataclass(frozen=True)
class SemanticVectors:
    """The embeddings of an index's entries: questions grouped by entry, and answers."""

    questions: Vectors  # (texts, dim), the texts of entry i in rows starts[i]:starts[i+1]
    starts: npt.NDArray[np.intp]
    answers: Vectors  # (entries, dim)
    centroids: Vectors  # (entries, dim), normalised mean of each entry's question vectors

    @classmethod
    def build(
        cls, encoder: SentenceEncoder, entries: Sequence[FaqEntry], question_budget: int
    ) -> SemanticVectors:
        # A very large FAQ embeds fewer phrasings per entry: build time and memory stay bounded.
        per_entry = max(1, question_budget // max(len(entries), 1))
        texts: list[str] = []
        starts: list[int] = []
        for entry in entries:
            starts.append(len(texts))
            texts.extend(entry.questions()[:per_entry])
        vectors = encoder.encode(texts + [entry.answer for entry in entries])
        questions, answers = vectors[: len(texts)], vectors[len(texts) :]
        start_array = np.asarray(starts, dtype=np.intp)
        sums = np.add.reduceat(questions, start_array, axis=0) if entries else questions[:0]
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        centroids = (sums / np.maximum(norms, 1e-6)).astype(np.float32)
        return cls(questions, start_array, answers, centroids)

    def nearest(self, vector: Vectors, count: int) -> list[int]:
        """The entries whose centroid is closest to the query: candidates the words missed."""
        scores = self.centroids @ vector
        if len(scores) <= count:
            return list(range(len(scores)))
        return [int(i) for i in np.argpartition(-scores, count)[:count]]

    def cosines(self, vector: Vectors, positions: Sequence[int]) -> tuple[list[float], list[float]]:
        """(best question cosine, answer cosine) of each entry position."""
        best: list[float] = []
        ends = [*self.starts[1:], len(self.questions)]
        for position in positions:
            rows = self.questions[self.starts[position] : ends[position]]
            best.append(float((rows @ vector).max()))
        answers = self.answers[list(positions)] @ vector
        return best, [float(value) for value in answers]


@dataclass(frozen=True)
class Candidate:
    position: int
    combined: float
    lexical: float
    answer_coverage: float
    question_cosine: float
    answer_cosine: float


def rerank(
    index: FaqIndex,
    analysis: Analysis,
    lexical_ranked: list[tuple[float, int]],
    vectors: SemanticVectors,
    vector: Vectors,
) -> list[Candidate]:
    """The candidates of both stages, scored on all four signals, best first."""
    config = index.config
    lexical = {position: raw for raw, position in lexical_ranked}
    positions = list(dict.fromkeys([*lexical, *vectors.nearest(vector, config.candidate_count)]))
    query_weight = index._query_weight(analysis) if analysis.features else 0.0
    coverage_weight, question_weight, answer_weight, topic_weight = config.semantic_weights
    question_cosines, answer_cosines = vectors.cosines(vector, positions)
    topics = [f for f in analysis.features if f.startswith(TOPIC_PREFIX)]
    topic_weights = [index._weight(f) for f in topics]
    topic_total = sum(topic_weights)
    # The entries only the embeddings found, scored lexically in one batch.
    unscored = [position for position in positions if position not in lexical]
    if query_weight:
        scores = index._score_entries(analysis, query_weight, unscored)
        lexical.update(zip(unscored, scores, strict=True))
    candidates = []
    for position, question_cosine, answer_cosine in zip(
        positions, question_cosines, answer_cosines, strict=True
    ):
        raw = lexical.get(position, 0.0)
        coverage = index._answer_coverage(analysis, query_weight, position)
        entry_features = index._entry_features[position]
        missing = sum(
            w for f, w in zip(topics, topic_weights, strict=True) if f not in entry_features
        )
        candidates.append(
            Candidate(
                position=position,
                combined=raw
                + coverage_weight * coverage
                + question_weight * question_cosine
                + answer_weight * answer_cosine
                - (topic_weight * missing / topic_total if topic_total else 0.0),
                lexical=raw,
                answer_coverage=coverage,
                question_cosine=question_cosine,
                answer_cosine=answer_cosine,
            )
        )
    candidates.sort(key=lambda c: (-c.combined, c.position))
    return candidates


def calibration_features(
    index: FaqIndex, analysis: Analysis, candidates: list[Candidate], lexical_confident: bool
) -> dict[str, float]:
    """What the confidence model looks at, for the best of the candidates."""
    best = candidates[0]
    others = candidates[1:]
    runner_up = others[0] if others else None
    best_other_lexical = max((c.lexical for c in others), default=0.0)
    best_other_cosine = max((c.question_cosine for c in others), default=0.0)
    agreement = float(best.lexical >= best_other_lexical) + float(
        best.question_cosine >= best_other_cosine
    )
    penalty = 100.0
    if analysis.features:
        ranked = [(c.lexical, c.position) for c in candidates[:2]]
        signals = index._signals(analysis, ranked)
        penalty = (
            signals.best
            - signals.adjusted_score(index.config)
            - (0.0 if signals.has_topics else index.config.no_topic_extra_score)
        )
    return {
        "bias": 1.0,
        "combined": best.combined,
        "lead": best.combined - (runner_up.combined if runner_up else 0.0),
        "lexical": best.lexical,
        "lexical_lead": best.lexical - best_other_lexical,
        "question_cosine": best.question_cosine,
        "cosine_lead": best.question_cosine - best_other_cosine,
        "answer_cosine": best.answer_cosine,
        "answer_coverage": best.answer_coverage,
        "agreement": agreement,
        "penalty": penalty / 100.0,
        "has_topics": float(any(f.startswith(TOPIC_PREFIX) for f in analysis.features)),
        # The lexical stage was sure of the same entry.
        "lexical_confident": float(
            lexical_confident and agreement > 0 and best.lexical >= best_other_lexical
        ),
    }


def probability(features: dict[str, float], calibration: Sequence[tuple[str, float]]) -> float:
    """The calibrated probability that the best candidate is the right answer."""
    logit = sum(weight * features[name] for name, weight in calibration)
    return 1.0 / (1.0 + math.exp(-max(min(logit, 50.0), -50.0)))
