"""The out-of-scope guard: messages the FAQ must not answer confidently, however well they match.

Rich paraphrase lists make chat look like FAQ questions ("退款到账了 谢谢" shares 退款 and 到账
with refund-time; "人工客服" is a word-for-word part of a service-hours question). The ranking
stays as it is; the guard only takes away confidence (and `suggest` offers nothing for pure
small talk). Three checks, all data-driven (data/small_talk.tsv, data/intents.tsv):

- **small talk**: the message is nothing but greetings, thanks, acknowledgements, goodbyes,
  praise, laughter, questions to the bot ("你是机器人吗"), requests for a person ("转人工"),
  filler, particles, function words and punctuation/emoji;
- **acknowledgement**: a thanks or goodbye phrase and nothing in the message asks or requests
  anything (no question word, question mark, negation or request verb);
- **intent mismatch**: the message names what it asks for (电话, 密码, 注销, 转给别人, 区别,
  显瘦…, see data/intents.tsv) and the best entry is not about that (`FaqIndex` counts the
  entry's questions that name it).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from importlib import resources

from faq.features import STOP_WORDS, is_cjk_char, tokenize
from faq.normalize import remove_filler
from faq.topics import TopicLexicon, parse_topics

__all__ = ["OutOfScopeGuard", "default_intent_table", "default_small_talk_table"]

# Small-talk kinds whose phrase, in a message that asks nothing, makes it an acknowledgement.
_CLOSING_KINDS = frozenset({"thanks", "goodbye"})
# Anything that asks, requests or reports a problem: such a message is not a mere "thanks".
_ASKS_RE = re.compile(
    r"[?？]|吗|么|嘛|呢|什么|怎|多少|多久|几|哪|啥|咋|谁|能|可以|可不可|是否|有没有|是不是|"
    r"要不要|会不会|帮|要|想|请|麻烦|求|给我|没|未|不|别|还|问|咩|点样|边|唔|"
    r"坏|碎|破|错|少|漏|丢|烂|裂|脏|问题|失败|慢|急"
)
_QUESTION_MARK_RE = re.compile("[?？]")
# Words around a request that do not say what is requested (我要 + 找人工 is only "找人工").
_REQUEST_WORDS = frozenset(
    "我要 我想 想要 帮我 帮忙 需要 一下 我们 你们 现在 马上 赶紧 帮 找 叫 求 快点".split()
)
# Characters of those and of the function words: only these need the tokenizer's judgement.
_QUIET_CHARS = frozenset("".join(STOP_WORDS | _REQUEST_WORDS))
# What remains of small talk once its phrases are gone: letters that are not words.
_NON_WORD_RE = re.compile(r"[0-9a-z]?")


@functools.cache
def default_small_talk_table() -> dict[str, tuple[str, ...]]:
    text = resources.files("faq").joinpath("data/small_talk.tsv").read_text(encoding="utf-8")
    return parse_topics(text, "faq/data/small_talk.tsv")


@functools.cache
def default_intent_table() -> dict[str, tuple[str, ...]]:
    text = resources.files("faq").joinpath("data/intents.tsv").read_text(encoding="utf-8")
    return parse_topics(text, "faq/data/intents.tsv")


class OutOfScopeGuard:
    """Small talk, acknowledgements and intents of one synonym map. Immutable, thread-safe."""

    def __init__(self, normalize_fragment: Callable[[str], str]) -> None:
        self._normalize_fragment = normalize_fragment
        phrases: dict[str, set[str]] = {}
        for kind, words in default_small_talk_table().items():
            for word in words:
                normalized = normalize_fragment(word)
                if normalized:
                    phrases.setdefault(normalized, set()).add(kind)
        ordered = sorted(phrases, key=len, reverse=True)
        self._phrase_re = re.compile("|".join(map(re.escape, ordered)))
        self._closing = frozenset(p for p, kinds in phrases.items() if kinds & _CLOSING_KINDS)
        self.intents = TopicLexicon(default_intent_table(), normalize_fragment)

    def small_talk(self, query: str) -> bool:
        """Only small-talk phrases, filler and punctuation: nothing the FAQ could answer."""
        return self._small_talk(self._normalize_fragment(query))

    def acknowledgement(self, query: str) -> bool:
        """A thanks or goodbye and no question, request or problem ("退款到账了，谢谢")."""
        return self._acknowledgement(query, self._normalize_fragment(query))

    def chat(self, query: str) -> bool:
        """Small talk or an acknowledgement: the message asks the FAQ nothing."""
        prepared = self._normalize_fragment(query)
        return self._small_talk(prepared) or self._acknowledgement(query, prepared)

    def _small_talk(self, prepared: str) -> bool:
        rest, found = self._phrase_re.subn(" ", prepared)
        if not found:  # the common case: nothing to remove, so only filler can be empty
            return not remove_filler(prepared)
        return not self._content(rest)

    def _acknowledgement(self, query: str, prepared: str) -> bool:
        if not any(m.group(0) in self._closing for m in self._phrase_re.finditer(prepared)):
            return False
        rest = self._phrase_re.sub(" ", prepared)
        return _ASKS_RE.search(rest) is None and _QUESTION_MARK_RE.search(query) is None

    def _content(self, text: str) -> bool:
        text = remove_filler(" ".join(text.split()))
        if not text:
            return False
        # Fast path: a Chinese character that no function word has makes a content word.
        if any(is_cjk_char(char) and char not in _QUIET_CHARS for char in text):
            return True
        for word in tokenize(text):
            if word in STOP_WORDS or word in _REQUEST_WORDS or _NON_WORD_RE.fullmatch(word):
                continue
            return True
        return False
