"""The groups every shop starts with, and which bot handoff topic each one serves."""

from __future__ import annotations

PRESALES = "presales"
AFTERSALES = "aftersales"
TOPICS = (PRESALES, AFTERSALES)

# (name, topic): a new shop's groups; every agent of a new shop joins both until an admin
# says otherwise, so routing behaves as before groups existed.
DEFAULT_GROUPS: tuple[tuple[str, str], ...] = (("售前", PRESALES), ("售后", AFTERSALES))
