"""Lexical features of normalised text: jieba words, character bigrams and pinyin bigrams.

The jieba dictionary takes ~0.5 s to load, so one private `jieba.Tokenizer` (with the shop
user dictionary, leaving jieba's global tokenizer untouched) is built lazily, once per process.
"""

from __future__ import annotations

import functools
import itertools
import logging
import re
import sys
import threading
from importlib import resources

import jieba
from pypinyin import pinyin_dict

from faq.synonyms import default_synonyms

__all__ = [
    "FRAME_WORDS",
    "STOP_WORDS",
    "Features",
    "char_bigrams",
    "frame_features",
    "general_frequency",
    "homophone_words",
    "is_cjk_char",
    "is_content_word",
    "is_neutral_word",
    "pinyin_key",
    "pinyin_syllables",
    "text_features",
    "tokenize",
]

Features = frozenset[str]

_tokenizer_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None


def _load_tokenizer() -> jieba.Tokenizer:
    jieba.setLogLevel(logging.WARNING)  # jieba logs "Building prefix dict…" to stderr
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    user_dict = resources.files("faq").joinpath("data/user_dict.txt")
    with resources.as_file(user_dict) as path:
        tokenizer.load_userdict(str(path))
    # The packaged synonym map's canonical words must stay single words. A shop's own map is
    # not added: the tokenizer is shared by every shop, and char bigrams cover its words.
    for word in set(default_synonyms().values()):
        if len(word) > 1 and word not in tokenizer.FREQ:
            tokenizer.add_word(word, freq=20000)
    return tokenizer


def _get_tokenizer() -> jieba.Tokenizer:
    global _tokenizer
    if _tokenizer is None:
        with _tokenizer_lock:
            if _tokenizer is None:
                _tokenizer = _load_tokenizer()
    return _tokenizer


# Function words that jieba keeps as tokens but that say nothing about the question; as
# words they only add noise (the characters still take part in the bigrams).
STOP_WORDS = frozenset(
    "的 了 吗 呢 吧 啊 呀 是 我 你 您 他 她 它 们 我们 你们 这 那 这个 那个 个 在 和 就 也 都 "
    "还 又 很 太 请 一下 下 能 会 要 想 可以 吗 么 嘛 哦 啦 给 把 被 让 有 没 不".split()
)


# Question frames: the words that say what kind of question it is (when, how, may I) but
# not what it is about. They still help to tell "退款多久到" from "怎么退款", but on their own
# they must not make an unrelated question (电池能用多久) look like an FAQ question.
FRAME_WORDS = frozenset(
    "什么 什么时候 时候 怎么 怎么办 怎样 如何 为什么 多少 多久 哪里 哪 哪个 哪家 有没有 "
    "是不是 可以 能不能 能 会 要 需要 你们 我们 我 我要 一下 一般 现在 帮我 帮忙 几 "
    "大概 一直 还是 还有 有".split()
)


def general_frequency(word: str) -> int:
    """How often the word occurs in jieba's general dictionary (a news and web corpus of ~60 M
    words); 0 when jieba does not know it (a word its HMM made up, such as 领了 or 有个)."""
    count: int = _get_tokenizer().FREQ.get(word, 0)  # jieba is untyped
    return count


def frame_features() -> frozenset[str]:
    """Features (words, bigrams, pinyin bigrams) made only of question-frame words."""
    features: set[str] = set()
    for word in FRAME_WORDS:
        features.add("w:" + word)
        features.update("b:" + gram for gram in char_bigrams(word) if len(gram) == 2)
        syllables = pinyin_syllables(word)
        features.update("p:" + a + b for a, b in itertools.pairwise(syllables))
    return frozenset(features)


def tokenize(text: str) -> list[str]:
    """jieba words of normalised text, without spaces and function words."""
    return [
        word
        # Search mode also yields the parts of compounds (取消订单 → 取消, 订单, 取消订单), so a
        # query that says 订单 alone still meets an FAQ question that says 取消订单.
        for word in _get_tokenizer().lcut_for_search(text, HMM=True)
        if not word.isspace() and word not in STOP_WORDS
    ]


def char_bigrams(text: str) -> list[str]:
    """Overlapping character pairs inside each space-separated clause (single chars kept)."""
    grams: list[str] = []
    for clause in text.split():
        if len(clause) == 1:
            grams.append(clause)
        grams.extend(clause[i : i + 2] for i in range(len(clause) - 1))
    return grams


def _syllable(char: str) -> str:
    # First reading, tones stripped: both sides of a comparison use the same reading, so
    # 多音字 still compare equal; homophone typos (快地/快递, 顺风/顺丰) become equal.
    readings = pinyin_dict.pinyin_dict.get(ord(char))
    if readings is None:
        return char
    return _strip_tone(readings.split(",", 1)[0])


_TONE_TABLE = str.maketrans(
    "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ",
    "aaaaeeeeiiiioooouuuuvvvvvnnnm",
)


def _strip_tone(reading: str) -> str:
    return reading.translate(_TONE_TABLE)


def pinyin_syllables(text: str) -> list[str]:
    """Toneless pinyin of each CJK character; other characters are kept as they are."""
    return [_syllable(char) for char in text if not char.isspace()]


@functools.lru_cache(maxsize=65536)
def pinyin_key(word: str) -> str:
    """The toneless pinyin of a word, syllables joined by spaces: the homophone lookup key."""
    return " ".join(pinyin_syllables(word))


@functools.cache
def _neutral_words() -> frozenset[str]:
    text = resources.files("faq").joinpath("data/neutral_words.txt").read_text(encoding="utf-8")
    words: set[str] = set()
    for line in text.splitlines():
        words.update(line.partition("#")[0].split())
    return frozenset(words)


_NEUTRAL_ASCII_RE = re.compile(r"[0-9.]+[a-z]{0,3}|[0-9]*x{0,3}[sml]|[a-z]")
_CHINESE_NUMBER_RE = re.compile(r"[零一二两三四五六七八九十百千万半几]+[个件天斤号块岁米元点分]?")


def is_neutral_word(word: str) -> bool:
    """Context words that do not tell which question is asked: items, colours, times, places,
    people, discourse words (data/neutral_words.txt), numbers, sizes and single letters."""
    return (
        word in _neutral_words()
        or _NEUTRAL_ASCII_RE.fullmatch(word) is not None
        or _CHINESE_NUMBER_RE.fullmatch(word) is not None
    )


def is_content_word(word: str) -> bool:
    """Words worth correcting homophones towards: two to four CJK characters, not function words."""
    return 2 <= len(word) <= 4 and word not in STOP_WORDS and all(is_cjk_char(c) for c in word)


def is_cjk_char(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff"


def homophone_words(
    text: str, words_by_pinyin: dict[str, tuple[str, ...]], known_words: frozenset[str]
) -> set[str]:
    """Known words that a substring of the text sounds like but is not spelt as (退宽 → 退款).

    Substrings that are themselves known words are left alone: 事实 is not a typo of 实施.
    """
    found: set[str] = set()
    for clause in text.split():
        syllables = pinyin_syllables(clause)
        for start in range(len(clause) - 1):
            for length in (2, 3, 4):
                end = start + length
                if end > len(clause):
                    break
                written = clause[start:end]
                if written in known_words:
                    continue
                for word in words_by_pinyin.get(" ".join(syllables[start:end]), ()):
                    if word != written:
                        found.add(word)
    return found


def text_features(text: str) -> Features:
    """The feature set of normalised text, namespaced: w: words, b: char bigrams, p: pinyin."""
    features: set[str] = set()
    features.update("w:" + word for word in tokenize(text))
    features.update("b:" + gram for gram in char_bigrams(text))
    for clause in text.split():
        syllables = pinyin_syllables(clause)
        features.update("p:" + syllables[i] + syllables[i + 1] for i in range(len(syllables) - 1))
    # Interned: the same few thousand feature strings recur in every indexed question.
    return frozenset(map(sys.intern, features))
