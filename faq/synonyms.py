"""The synonym map file format (canonical<TAB>variant, variant…) and the packaged default map."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

from faq.entries import FaqFileError

__all__ = ["default_synonyms", "load_synonyms", "parse_synonyms"]


def parse_synonyms(text: str, source: str = "synonyms") -> dict[str, str]:
    """Parse the map: `canonical<TAB>variant, variant, …` per line; `#` starts a comment.

    Returns variant → canonical. A variant listed under two canonical words is an error,
    because the result would depend on line order.
    """
    mapping: dict[str, str] = {}
    for line_number, raw_line in enumerate(text.splitlines(), start=1):
        line = raw_line.rstrip("\r\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        canonical, separator, variants = line.partition("\t")
        canonical = canonical.strip()
        if not separator or not canonical:
            raise FaqFileError(
                f"{source} line {line_number}: expected 'canonical<TAB>variant, variant, …'"
            )
        for variant in (v.strip() for v in variants.replace("，", ",").split(",")):
            if not variant:
                continue
            previous = mapping.get(variant)
            if previous is not None and previous != canonical:
                raise FaqFileError(
                    f"{source} line {line_number}: variant {variant!r} already maps to {previous!r}"
                )
            mapping[variant] = canonical
    return mapping


def load_synonyms(path: str | Path) -> dict[str, str]:
    """Read a shop's synonym file (same format as the packaged one)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise FaqFileError(f"{path}: cannot read: {error.strerror or error}") from error
    return parse_synonyms(text, source=str(path))


@cache
def _default_synonyms() -> tuple[tuple[str, str], ...]:
    text = resources.files("faq").joinpath("data/synonyms.tsv").read_text(encoding="utf-8")
    return tuple(parse_synonyms(text, source="faq/data/synonyms.tsv").items())


def default_synonyms() -> dict[str, str]:
    """The packaged shop-vocabulary map (a fresh dict the caller may extend)."""
    return dict(_default_synonyms())
