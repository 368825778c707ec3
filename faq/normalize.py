"""Text normalisation: one canonical simplified, half-width, lower-case form of shopper text.

Each step is a small public function so it can be tested on its own; `Normalizer` chains them
with a shop's synonym map. Query text and FAQ text go through the same chain, so a rule that
is slightly wrong (say, a particle removed from a product name) is at least wrong on both sides.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Mapping

import opencc

__all__ = [
    "Normalizer",
    "fold_width_and_case",
    "remove_filler",
    "replace_symbols",
    "to_simplified",
]

_converter_lock = threading.Lock()
_converter: opencc.OpenCC | None = None


def _t2s() -> opencc.OpenCC:
    # One converter per process: building it reads OpenCC's dictionaries (a few ms).
    global _converter
    if _converter is None:
        with _converter_lock:
            if _converter is None:
                _converter = opencc.OpenCC("t2s")
    return _converter


def to_simplified(text: str) -> str:
    """Traditional → simplified Chinese (OpenCC t2s); other scripts pass through."""
    simplified: str = _t2s().convert(text)  # OpenCC.convert has no return annotation
    return simplified


def fold_width_and_case(text: str) -> str:
    """Full-width letters, digits and punctuation → half-width (NFKC), then lower case."""
    return unicodedata.normalize("NFKC", text).lower()


def _is_kept_char(char: str) -> bool:
    # Letters (CJK included) and digits carry meaning; everything else (punctuation, emoji,
    # symbols, whitespace, variation selectors) only separates words.
    category = unicodedata.category(char)
    return category[0] in "LN"


def replace_symbols(text: str) -> str:
    """Punctuation, emoji, symbols and runs of whitespace → a single space."""
    out: list[str] = []
    pending_space = False
    for char in text:
        if _is_kept_char(char):
            if pending_space and out:
                out.append(" ")
            pending_space = False
            out.append(char)
        else:
            pending_space = True
    return "".join(out)


# Greetings and politeness at the start of a message ("亲，在吗？请问…") carry no meaning for
# matching. They are removed only at a clause start so that words that contain them
# (亲自, 请问题…) are not broken.
_LEADING_FILLER = (
    "亲爱的",
    "亲亲",
    "亲",
    "在吗",
    "在不在",
    "在么",
    "有人吗",
    "有人在吗",
    "您好",
    "你好",
    "哈喽",
    "哈罗",
    "嗨",
    "hello",
    "hi",
    "老板",
    "掌柜",
    "店家",
    "小姐姐",
    "小哥哥",
    "美女",
    "帅哥",
    "请问一下",
    "请问下",
    "请问",
    "麻烦问一下",
    "麻烦问下",
    "麻烦",
    "问一下",
    "问下",
    "想问一下",
    "想问下",
    "我想问一下",
    "我想问下",
    "我想问",
    "想问",
    "打扰一下",
    "打扰了",
    "那个",
    "嗯",
    "额",
    "呃",
    "哦",
    "噢",
)
# Sentence-final particles: removed only at a clause end (before a space or the end of text).
_TRAILING_FILLER = (
    "亲亲",
    "亲",
    "谢谢啦",
    "谢谢了",
    "谢谢",
    "多谢",
    "在吗",
    "吗",
    "么",
    "不",
    "呢",
    "啊",
    "呀",
    "哦",
    "噢",
    "喔",
    "吧",
    "嘛",
    "哈",
    "啦",
    "咯",
    "哇",
    "捏",
    "哈哈",
    "哈哈哈",
)


def _alternation(words: tuple[str, ...]) -> str:
    # Longest first; ASCII greetings must be whole words ("hi" is not the start of "hifi"), and
    # 亲 must not be cut from 亲自/亲手/母亲.
    parts = []
    for word in sorted(words, key=len, reverse=True):
        escaped = re.escape(word)
        if word.isascii():
            escaped += "(?![a-z])"
        elif word == "亲":
            escaped = "(?<![母父双探相])亲(?![自手戚人友子密口属笔])"
        elif word == "么":
            escaped = "(?<![什怎那这多要])么"  # the question word 什么 is not a particle
        elif word == "不":
            escaped = "(?<![还也都就并决绝])不"  # 好不 asks; 还不 is a negation
        parts.append(escaped)
    return "|".join(parts)


_LEADING_RE = re.compile(r"(?:^|(?<= ))(?:" + _alternation(_LEADING_FILLER) + r")+")
_TRAILING_RE = re.compile(r"(?:" + _alternation(_TRAILING_FILLER) + r")+(?= |$)")
_SPACES_RE = re.compile(r" {2,}")
# Words every shop question may contain (the item itself): they say nothing about which
# question it is, and as shared words they made "宝贝有货吗" look like "商品有保修吗".
_GENERIC_ITEM_RE = re.compile("宝贝|商品|货品|东东")


def remove_filler(text: str) -> str:
    """Drop greetings at clause starts and modal particles at clause ends.

    Expects text already passed through `replace_symbols` (clauses separated by single spaces).
    """
    text = _GENERIC_ITEM_RE.sub("", text)
    # Repeat: removing "亲" can expose "在吗" ("亲 在吗" is two clauses, "亲在吗" one).
    previous = None
    while previous != text:
        previous = text
        text = _LEADING_RE.sub("", text)
        text = _TRAILING_RE.sub("", text)
        text = _SPACES_RE.sub(" ", text).strip()
    return text


class Normalizer:
    """Chains the steps and applies a synonym map (variant → canonical shop word).

    Thread-safe: it holds only immutable state after construction.
    """

    def __init__(self, synonyms: Mapping[str, str] | None = None) -> None:
        self._synonyms = self._prepare_synonyms(synonyms or {})
        self._synonym_re = self._compile_synonyms(self._synonyms)

    @staticmethod
    def _prepare_synonyms(synonyms: Mapping[str, str]) -> dict[str, str]:
        # Variants are normalised like text, so "SF", "ＳＦ" and "順風" are all keys once.
        prepared: dict[str, str] = {}
        for variant, canonical in synonyms.items():
            key = replace_symbols(fold_width_and_case(to_simplified(variant)))
            value = replace_symbols(fold_width_and_case(to_simplified(canonical)))
            if key and key != value:
                prepared[key] = value
        # Canonical words map to themselves so that the longest-first scan consumes them whole:
        # otherwise the variant 券 would turn 优惠券 into 优惠优惠券.
        for value in list(prepared.values()):
            prepared.setdefault(value, value)
        return prepared

    @staticmethod
    def _compile_synonyms(synonyms: Mapping[str, str]) -> re.Pattern[str] | None:
        if not synonyms:
            return None
        alternatives = []
        # Longest first so "顺风快递" wins over "顺风".
        for variant in sorted(synonyms, key=len, reverse=True):
            escaped = re.escape(variant)
            if variant.isascii():
                # "sf" must not fire inside "sfx"; Chinese has no word boundaries to check.
                escaped = rf"(?<![a-z]){escaped}(?![a-z])"
            alternatives.append(escaped)
        return re.compile("|".join(alternatives))

    @property
    def synonyms(self) -> Mapping[str, str]:
        """The prepared map (variant → canonical), identity pairs excluded."""
        return {key: value for key, value in self._synonyms.items() if key != value}

    def apply_synonyms(self, text: str) -> str:
        """Replace every known variant by its canonical word, longest variant first."""
        if self._synonym_re is None:
            return text
        return self._synonym_re.sub(lambda match: self._synonyms[match.group(0)], text)

    def normalize(self, text: str) -> str:
        """The canonical form used for matching; may be empty (emoji-only, greeting-only)."""
        text = fold_width_and_case(to_simplified(text))
        text = replace_symbols(text)
        text = self.apply_synonyms(text)
        return remove_filler(text)
