"""Shop topics: groups of words that name the same thing (data/topics.tsv, data, not code).

A topic word found in normalised text adds the feature `t:<topic>`. Both FAQ questions and
queries get them, so an entry carries the topics its own questions mention (no per-entry
table to maintain) and a query worded differently from every question (卖光 for 售罄) still
shares the entry's topic. The index also uses topics for confidence (see index.py).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from importlib import resources

from faq.entries import FaqFileError

__all__ = ["TOPIC_PREFIX", "TopicLexicon", "default_topic_table", "parse_topics"]

TOPIC_PREFIX = "t:"
# `*` in a topic word: up to this many characters of the same clause.
_GAP = r"[^ ]{0,6}?"


def parse_topics(text: str, source: str = "topics") -> dict[str, tuple[str, ...]]:
    """`topic<TAB>word, word, …` lines → {topic: words}; `#` starts a comment line."""
    table: dict[str, tuple[str, ...]] = {}
    for line_number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        topic, separator, words = line.partition("\t")
        topic = topic.strip()
        parsed = tuple(w.strip() for w in words.split(",") if w.strip())
        if not separator or not topic or not parsed:
            raise FaqFileError(f"{source} line {line_number}: expected 'topic<TAB>word, word'")
        if topic in table:
            raise FaqFileError(f"{source} line {line_number}: topic {topic!r} listed twice")
        table[topic] = parsed
    return table


@functools.cache
def default_topic_table() -> dict[str, tuple[str, ...]]:
    text = resources.files("faq").joinpath("data/topics.tsv").read_text(encoding="utf-8")
    return parse_topics(text, "faq/data/topics.tsv")


class TopicLexicon:
    """Finds topic words in normalised text. Immutable after construction, thread-safe."""

    def __init__(
        self, table: dict[str, tuple[str, ...]], normalize_word: Callable[[str], str]
    ) -> None:
        plain: dict[str, set[str]] = {}
        gapped: dict[str, set[str]] = {}
        for topic, words in table.items():
            for word in words:
                parts = [normalize_word(part) for part in word.split("*")]
                if not all(parts):
                    continue
                if len(parts) == 1:
                    plain.setdefault(parts[0], set()).add(topic)
                else:
                    pattern = _GAP.join(re.escape(part) for part in parts)
                    gapped.setdefault(pattern, set()).add(topic)
        self._topics_of = {word: tuple(sorted(topics)) for word, topics in plain.items()}
        ordered = sorted(plain, key=len, reverse=True)
        self._plain_re = re.compile("|".join(map(re.escape, ordered))) if ordered else None
        self._gapped = [
            (re.compile(pattern), tuple(sorted(topics))) for pattern, topics in gapped.items()
        ]

    def topics(self, text: str) -> set[str]:
        """The topics whose words occur in the text (normalised as FAQ text is)."""
        found: set[str] = set()
        if self._plain_re is not None:
            for match in self._plain_re.finditer(text):
                found.update(self._topics_of[match.group(0)])
        for pattern, topics in self._gapped:
            if pattern.search(text):
                found.update(topics)
        return found

    def features(self, text: str) -> set[str]:
        return {TOPIC_PREFIX + topic for topic in self.topics(text)}

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Character spans of the plain topic words in the text (for 'known word' checks)."""
        if self._plain_re is None:
            return []
        return [match.span() for match in self._plain_re.finditer(text)]
