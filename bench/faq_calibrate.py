"""Fits the second stage's confidence model (faq/combine.py CALIBRATION) across shops, and
checks it by leave-one-shop-out cross-validation.

    .venv/bin/python bench/faq_calibrate.py              # LOSO figures and the fitted weights
    .venv/bin/python bench/faq_calibrate.py --weights    # also grid the ranking weights
    .venv/bin/python bench/faq_calibrate.py --guard --sparse-threshold --l2 300
                                             # round nine's variant (rejected, docs/faq.md)

The groups are the sparse shops of tests/data/shops/*/ (faq.json + tune.tsv only) and the
clothing shop (tests/data/faq_eval_tune.tsv against the default FAQ, both as shipped and cut to
a question and two similar phrasings). The blind sets are never read here.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]

from faq import FaqEntry, FaqIndex, ScoringConfig, load_default_faq, load_entries  # noqa: E402
from faq.combine import calibration_features, probability, rerank  # noqa: E402
from faq.evaluation import LabelledQuery, load_queries  # noqa: E402

ROOT = _HERE.parent
SHOPS = ROOT / "tests/data/shops"
MIN_PRECISION = 0.975
MAX_OUT_OF_SCOPE = 0.03
TRUSTED = ScoringConfig().trusted_probability


def sparse(entries: list[FaqEntry], similar: int = 2) -> list[FaqEntry]:
    return [replace(entry, similar=entry.similar[:similar]) for entry in entries]


def groups() -> dict[str, list[tuple[str, list[FaqEntry], list[LabelledQuery]]]]:
    """Cross-validation groups: each shop alone, the clothing FAQ in both shapes together."""
    found: dict[str, list[tuple[str, list[FaqEntry], list[LabelledQuery]]]] = {}
    for folder in sorted(p for p in SHOPS.iterdir() if (p / "tune.tsv").exists()):
        entries = load_entries(folder / "faq.json")
        found[folder.name] = [(folder.name, entries, load_queries(folder / "tune.tsv"))]
    clothing = load_default_faq()
    tune = load_queries(ROOT / "tests/data/faq_eval_tune.tsv")
    found["clothing"] = [
        ("clothing-sparse", sparse(clothing), tune),
        ("clothing-full", clothing, tune),
    ]
    return found


@dataclass
class Row:
    """One query: the lexical decision, and the second stage's features when it ran."""

    in_scope: bool
    lexical_confident: bool
    lexical_right: bool
    features: dict[str, float] | None
    right: bool  # the second stage's best (or the lexical best) is right
    top3: bool
    trusted: bool  # a rich FAQ: the second stage needs config.trusted_probability
    guarded: bool  # the out-of-scope guard takes the second stage's confidence away


def rows_of(index: FaqIndex, queries: list[LabelledQuery]) -> list[Row]:
    rows = []
    encoder = index._encoder
    for item in queries:
        first = index._lexical_match(item.query)
        ranked, analysis, confident = first.ranked, first.analysis, first.confident
        lexical_ids = [index._entries[p].id for _, p in ranked[:3]]
        lexical_right = bool(lexical_ids) and item.right(lexical_ids[0])
        features = None
        ids = lexical_ids
        guarded = False
        if index._needs_second_stage(item.query, first):
            assert encoder is not None and index._vectors is not None
            vector = encoder.encode([item.query])[0]
            candidates = rerank(index, analysis, ranked, index._vectors, vector)
            features = calibration_features(index, analysis, candidates, confident)
            ids = [index._entries[c.position].id for c in candidates[:3]]
            guarded = index._out_of_scope(
                item.query, analysis, candidates[0].position, weak_match=False
            )
        rows.append(
            row_of(item, confident, lexical_right, features, ids, index._lexical_trusted, guarded)
        )
    return rows


def row_of(
    item: LabelledQuery,
    lexical_confident: bool,
    lexical_right: bool,
    features: dict[str, float] | None,
    ids: list[str],
    trusted: bool,
    guarded: bool,
) -> Row:
    """One query's Row from what the stages decided (also bench/faq_e5.py's)."""
    return Row(
        in_scope=item.in_scope,
        lexical_confident=lexical_confident,
        lexical_right=lexical_right,
        features=features,
        right=bool(ids) and item.right(ids[0]),
        top3=any(item.right(i) for i in ids),
        trusted=trusted,
        guarded=guarded,
    )


def fit(rows: list[Row], names: list[str], l2: float = 1.0) -> dict[str, float]:
    """Logistic regression (gradient descent on standardised features) → raw-unit weights."""
    train = [r for r in rows if r.features is not None]
    x = np.array([[r.features[n] for n in names] for r in train if r.features])
    y = np.array([float(r.right and r.in_scope) for r in train])
    mean, std = x.mean(0), x.std(0) + 1e-6
    z = (x - mean) / std
    w, b = np.zeros(len(names)), 0.0
    for _ in range(3000):
        p = 1 / (1 + np.exp(-(z @ w + b)))
        w -= 0.5 * (z.T @ (p - y) / len(y) + l2 * w / len(y))
        b -= 0.5 * float((p - y).mean())
    raw = w / std
    return {"bias": float(b - (raw * mean).sum()), **dict(zip(names, map(float, raw), strict=True))}


@dataclass(frozen=True)
class Options:
    """How the threshold is chosen (round seven's way by default; rounds eight and nine tried
    the others, docs/faq.md)."""

    guard: bool = False  # count the guard's veto on the second stage's answers, as served
    sparse_threshold: bool = False  # choose the threshold on the sparse FAQs' queries only
    l2: float = 1.0  # ridge strength of the fit


def figures(
    rows: list[Row], weights: dict[str, float], threshold: float, guard: bool = False
) -> dict[str, float]:
    confident = right = covered = oos_confident = 0
    in_scope = sum(r.in_scope for r in rows)
    oos = len(rows) - in_scope
    for r in rows:
        if r.features is None:
            sure, ok = r.lexical_confident, r.lexical_right
        else:
            needed = max(threshold, TRUSTED) if r.trusted else threshold
            chance = probability(r.features, tuple(weights.items()))
            sure, ok = chance >= needed and not (guard and r.guarded), r.right
        ok = ok and r.in_scope
        confident += sure
        right += sure and ok
        covered += sure and ok
        oos_confident += sure and not r.in_scope
    return {
        "top1": sum(r.right for r in rows if r.in_scope) / in_scope,
        "top3": sum(r.top3 for r in rows if r.in_scope) / in_scope,
        "precision": right / confident if confident else 1.0,
        "coverage": covered / in_scope,
        "oos": oos_confident / oos if oos else 0.0,
    }


def choose_threshold(rows: list[Row], weights: dict[str, float], options: Options) -> float:
    if options.sparse_threshold:
        # A trusted FAQ has its own threshold; its many sure lexical answers dilute the pool.
        rows = [r for r in rows if not r.trusted]
    for threshold in np.arange(0.5, 0.995, 0.01):
        f = figures(rows, weights, float(threshold), options.guard)
        if f["precision"] >= MIN_PRECISION and f["oos"] <= MAX_OUT_OF_SCOPE:
            return round(float(threshold), 2)
    return 0.99


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--weights", action="store_true", help="grid the ranking weights")
    parser.add_argument("--guard", action="store_true", help="count the guard's veto")
    parser.add_argument(
        "--sparse-threshold", action="store_true", help="threshold from sparse FAQs only"
    )
    parser.add_argument("--l2", type=float, default=1.0, help="ridge strength (1)")
    args = parser.parse_args()
    options = Options(args.guard, args.sparse_threshold, args.l2)
    config = ScoringConfig()
    names = [name for name, _ in config.calibration if name != "bias"]
    weight_grid = [config.semantic_weights]
    if args.weights:
        a, b, c, _ = config.semantic_weights
        weight_grid = [(a, b, c, d) for d in (0.0, 0.25, 0.5, 1.0)]
    found = groups()
    for semantic_weights in weight_grid:
        tuned = replace(config, semantic_weights=semantic_weights)
        rows = {
            group: {name: rows_of(FaqIndex.build(e, config=tuned), q) for name, e, q in members}
            for group, members in found.items()
        }
        print(f"\nsemantic_weights {semantic_weights}")
        print(
            "| held-out group | top-1 | top-3 | precision | coverage | OOS confident | threshold |"
        )
        print("| --- | --- | --- | --- | --- | --- | --- |")
        totals = []
        for held in rows:
            train = [r for g, by in rows.items() if g != held for rs in by.values() for r in rs]
            weights = fit(train, names, options.l2)
            threshold = choose_threshold(train, weights, options)
            for name, held_rows in rows[held].items():
                f = figures(held_rows, weights, threshold, options.guard)
                totals.append(f)
                print(
                    f"| {name} | {f['top1']:.3f} | {f['top3']:.3f} | {f['precision']:.3f} "
                    f"| {f['coverage']:.3f} | {f['oos']:.3f} | {threshold:.2f} |"
                )
        mean = {k: sum(t[k] for t in totals) / len(totals) for k in totals[0]}
        print("mean " + " ".join(f"{k} {v:.3f}" for k, v in mean.items()))
        everything = [r for by in rows.values() for rs in by.values() for r in rs]
        weights = fit(everything, names, options.l2)
        print(f"threshold on all groups: {choose_threshold(everything, weights, options):.2f}")
        print("CALIBRATION = (")
        for name, weight in weights.items():
            print(f'    ("{name}", {weight:.4f}),')
        print(")")


if __name__ == "__main__":
    main()
