"""The politeness check's findings as the contract spells them (docs/protocol.md)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from chatserver.domain.politeness import Finding


def _utf16_offsets(text: str) -> list[int] | None:
    """Offsets as JavaScript counts them, or None when they equal the code point indices."""
    if all(ord(c) < 0x10000 for c in text):
        return None
    offsets, at = [0], 0
    for c in text:
        at += 2 if ord(c) >= 0x10000 else 1
        offsets.append(at)
    return offsets


def findings_wire(text: str, findings: Sequence[Finding]) -> list[dict[str, Any]]:
    """The contract's finding objects; `start`/`end` in UTF-16 code units, like JS strings."""
    offsets = _utf16_offsets(text)
    return [
        {
            "kind": f.kind,
            "start": offsets[f.start] if offsets else f.start,
            "end": offsets[f.end] if offsets else f.end,
            "text": f.text,
            "suggestion": f.suggestion,
            "explanation": f.explanation,
        }
        for f in findings
    ]
