"""The politeness check on what an agent writes to a shopper, and a polite rewrite (manual 001).

Pure: `review(text, words)` gives the findings and the whole draft rewritten. What is found:

- `pronoun`: 你 (and 妳) addressed to the shopper becomes 您. 你们 becomes 您 as well, not 您们:
  您 has no standard plural (您们 is widely considered non-standard, and is flagged too), and in a
  one-to-one chat the person addressed is the shopper, so 您 reads naturally (你们那边 → 您那边,
  你们几位 → 您几位). 你 inside a word that is no pronoun (迷你) or a name the shop lists, and
  anything in quotes (「」『』“”‘’"" 《》, e.g. the shopper's own words), is left alone.
- `address`: 姐姐, 美女, 亲爱的 … are removed (or replaced by 您 when a verb follows: 姐姐穿 M 码
  → 您穿 M 码). A one-character form (亲, 姐, 哥) counts only where it stands alone, so 父亲,
  亲自, 亲肤 and 小姐 are words, not forms of address.
- `slang`: internet slang and dialect replaced by the standard word (啥 → 什么, 呗 → 吧, 哈 is
  left out); a doubled single character (哈哈) is laughter, not the particle.
- `arguing`: arguing and lecturing phrases; the rewrite puts the softer sentence in place of the
  clause that holds one.
- `bare_refusal`: a clause that is nothing but 不知道 / 没办法 (with 我也, 这个, 哦 …), and no
  offer of help after it, becomes a helpful form (这个我帮您确认一下).

Spans are indices into the text as given (code points; views/politeness.py gives the contract
the UTF-16 offsets JavaScript counts in). A draft of 2,000 characters takes about 0.5 ms, or
2.5 ms when nearly every clause has something to fix; patterns are compiled once per word list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Final, Literal

from chatserver.domain.politeness_words import DEFAULT_WORDS, PolitenessWords, Term

Kind = Literal["pronoun", "address", "slang", "arguing", "bare_refusal"]


@dataclass(frozen=True, slots=True)
class Finding:
    kind: Kind
    start: int
    end: int
    # The words found, as written.
    text: str
    # What the rewrite says instead: "" = left out, None = nothing automatic (the agent decides).
    suggestion: str | None
    # Why, in a few Chinese words, for the agent.
    explanation: str


@dataclass(frozen=True, slots=True)
class Review:
    findings: tuple[Finding, ...]
    rewrite: str


@dataclass(frozen=True, slots=True)
class _Edit:
    start: int
    end: int
    replacement: str


# Matching compares 您 and 妳 as 你 (same length, so spans stay put): 「您自己看」 lectures too.
_AS_NI = str.maketrans({"您": "你", "妳": "你"})
_CLAUSE = re.compile(r"[^，,。.！!？?；;、~～…\s]+")
_DELIMITERS: Final = frozenset("，,。.！!？?；;、~～…")
# What sets a form of address off at the start of a clause: removed with it (亲，在的 → 在的).
_SOFT_PUNCT: Final = frozenset("，,、~～ ")
_PARTICLES: Final = frozenset("呀啊哦喔呢哈啦嘛吧哟嗯")
# Around a one-character form of address, only these may touch it (好的亲, 亲你看, 亲们).
_ADDRESS_BEFORE: Final = frozenset("好的了吗") | _PARTICLES
_ADDRESS_AFTER: Final = frozenset("你您妳们們") | _PARTICLES
# After a form of address these start the sentence proper (宝子们这款… → 这款…), not a verb.
_NEW_SUBJECT: Final = frozenset("这那我咱本")
_QUOTED = re.compile(r"「[^」]*」|『[^』]*』|“[^”]*”|‘[^’]*’|《[^》]*》|\"[^\"\n]*\"")
_PRONOUN = re.compile(r"[你您妳][们們]|你|妳")
# A bare refusal may carry these around it and still say nothing more (我也不知道哦).
_REFUSAL_BEFORE = (
    "不好意思|对不起|抱歉|这个|那个|这边|那边|我们|咱们|目前|现在|暂时|真的|确实|实在|"
    "也是|这|那|我|也|真|就|都|还|是"
)
_REFUSAL_AFTER = "了|啊|呀|哦|喔|呢|哈|耶|诶|啦|嘛|的|哟"
_MAX_BARE_CLAUSE = 24
# An offer of help after the refusal makes it no brush-off (不知道呢，我帮您问一下仓库).
_HELP = re.compile(
    "帮你|为你|给你|替你|确认|核实|查一下|查查|查询|问一下|问问|咨询|联系|反馈|稍等|马上|尽快|"
    "回复你|通知你"
)


def _is_han(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf"


def _breaks_clause(char: str) -> bool:
    return char in _DELIMITERS or char.isspace()


def _norm(text: str) -> str:
    return text.translate(_AS_NI)


def _alternation(words: list[str]) -> str:
    # Longest first, so 亲爱的 wins over 亲 at the same place.
    unique = sorted({_norm(w) for w in words if w}, key=lambda w: (-len(w), w))
    return "|".join(re.escape(w) for w in unique)


def _pattern(words: list[str]) -> re.Pattern[str] | None:
    body = _alternation(words)
    return re.compile(body, re.IGNORECASE) if body else None


def _lookup(terms: tuple[Term, ...]) -> dict[str, str | None]:
    return {_norm(word).lower(): replacement for word, replacement in terms}


@dataclass(frozen=True, slots=True)
class _Patterns:
    keep: re.Pattern[str] | None
    address: re.Pattern[str] | None
    slang: re.Pattern[str] | None
    arguing: re.Pattern[str] | None
    refusal: re.Pattern[str] | None
    slang_to: dict[str, str | None]
    arguing_to: dict[str, str | None]
    refusal_to: dict[str, str | None]


@lru_cache(maxsize=64)
def _patterns(words: PolitenessWords) -> _Patterns:
    refusal_terms = _alternation([w for w, _ in words.refusal])
    refusal = (
        re.compile(
            f"(?:{_REFUSAL_BEFORE})*(?P<term>{refusal_terms})(?:{_REFUSAL_AFTER})*",
            re.IGNORECASE,
        )
        if refusal_terms
        else None
    )
    return _Patterns(
        keep=_pattern(list(words.keep)),
        address=_pattern(list(words.address)),
        slang=_pattern([w for w, _ in words.slang]),
        arguing=_pattern([w for w, _ in words.arguing]),
        refusal=refusal,
        slang_to=_lookup(words.slang),
        arguing_to=_lookup(words.arguing),
        refusal_to=_lookup(words.refusal),
    )


class _Draft:
    """One draft being checked: the text, its matching form, what is off limits, and the
    findings and edits accepted so far (earlier kinds win where spans meet)."""

    def __init__(self, text: str, patterns: _Patterns) -> None:
        self.text = text
        self.norm = _norm(text)
        self.protected = bytearray(len(text))
        for m in _QUOTED.finditer(text):
            self.protected[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
        if patterns.keep is not None:
            for m in patterns.keep.finditer(self.norm):
                self.protected[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
        self.findings: list[Finding] = []
        self.edits: list[_Edit] = []
        self.edited = bytearray(len(text))

    def char(self, index: int) -> str:
        return self.text[index] if 0 <= index < len(self.text) else ""

    def is_protected(self, start: int, end: int) -> bool:
        return 1 in self.protected[start:end]

    def clause_around(self, start: int, end: int) -> tuple[int, int]:
        while start > 0 and not _breaks_clause(self.text[start - 1]):
            start -= 1
        while end < len(self.text) and not _breaks_clause(self.text[end]):
            end += 1
        return start, end

    def at_clause_start(self, index: int) -> bool:
        return index == 0 or _breaks_clause(self.text[index - 1])

    def removal(self, start: int, end: int) -> _Edit:
        """Leave the words out; at the start of a clause, with the comma that set them off."""
        if self.at_clause_start(start):
            while self.char(end) in _SOFT_PUNCT and self.char(end):
                end += 1
        return _Edit(start, end, "")

    def rewritten(self, start: int, end: int) -> bool:
        return 1 in self.edited[start:end]

    def found(
        self,
        kind: Kind,
        span: tuple[int, int],
        suggestion: str | None,
        why: str,
        edit: _Edit | None,
    ) -> None:
        """Keep a finding unless its words are quoted or kept, or an accepted edit (an earlier
        kind's) already rewrites them."""
        start, end = span
        if self.is_protected(start, end) or self.rewritten(start, end):
            return
        self.findings.append(Finding(kind, start, end, self.text[start:end], suggestion, why))
        if edit is not None and not self.rewritten(edit.start, edit.end):
            self.edits.append(edit)
            self.edited[edit.start : edit.end] = b"\x01" * (edit.end - edit.start)

    def rewrite(self) -> str:
        parts: list[str] = []
        at = 0
        for edit in sorted(self.edits, key=lambda e: e.start):
            parts += [self.text[at : edit.start], edit.replacement]
            at = edit.end
        parts.append(self.text[at:])
        return "".join(parts)


def _bare_refusals(draft: _Draft, patterns: _Patterns) -> None:
    if patterns.refusal is None:
        return
    for clause in _CLAUSE.finditer(draft.norm):
        start, end = clause.span()
        if end - start > _MAX_BARE_CLAUSE:
            continue
        bare = patterns.refusal.fullmatch(clause.group())
        if bare is None or _HELP.search(draft.norm, end):
            continue
        helpful = patterns.refusal_to.get(bare.group("term").lower())
        said = draft.text[start + bare.start("term") : start + bare.end("term")]
        why = f"不要只说「{said}」，请告诉顾客您会怎么帮忙"
        edit = None if helpful is None else _Edit(start, end, helpful)
        draft.found("bare_refusal", (start, end), helpful, why, edit)


def _arguing(draft: _Draft, patterns: _Patterns) -> None:
    if patterns.arguing is None:
        return
    for m in patterns.arguing.finditer(draft.norm):
        softer = patterns.arguing_to.get(m.group().lower())
        why = f"「{draft.text[m.start() : m.end()]}」像在争辩或说教，请换个说法"
        # The softer sentence takes the place of the whole clause the phrase sits in.
        edit = None if softer is None else _Edit(*draft.clause_around(*m.span()), softer)
        draft.found("arguing", m.span(), softer, why, edit)


def _address_edit(draft: _Draft, start: int, end: int) -> _Edit:
    after, before = draft.char(end), draft.char(start - 1)
    if after in ("你", "您", "妳"):
        return _Edit(start, end, "")  # 亲你等等 → 您等等: the pronoun is fixed on its own
    if before == "好" and _is_han(after) and after not in _PARTICLES:
        return _Edit(start, end, "，")  # 你好姐姐这个… → 您好，这个…
    if _is_han(after) and after not in _PARTICLES and after not in _NEW_SUBJECT:
        return _Edit(start, end, "您")  # 姐姐穿 M 码 → 您穿 M 码
    return draft.removal(start, end)


def _addresses(draft: _Draft, patterns: _Patterns) -> None:
    if patterns.address is None:
        return
    for m in patterns.address.finditer(draft.norm):
        start, end = m.span()
        before, after = draft.char(start - 1), draft.char(end)
        if end - start == 1 and (
            (_is_han(before) and before not in _ADDRESS_BEFORE)
            or (_is_han(after) and after not in _ADDRESS_AFTER)
        ):
            continue  # part of a word: 父亲, 亲自, 小姐
        if after in ("们", "們"):
            end += 1  # 宝子们, 姐妹们: the plural goes with it
        edit = _address_edit(draft, start, end)
        why = f"不要称呼顾客「{draft.text[start:end]}」，用「您」即可"
        draft.found("address", (start, end), "您" if edit.replacement == "您" else "", why, edit)


def _slang(draft: _Draft, patterns: _Patterns) -> None:
    if patterns.slang is None:
        return
    for m in patterns.slang.finditer(draft.norm):
        start, end = m.span()
        word = draft.text[start:end]
        if end - start == 1 and word in (draft.char(start - 1), draft.char(end)):
            continue  # 哈哈 is laughter, not the particle
        standard = patterns.slang_to.get(m.group().lower())
        edit = None
        if standard == "":
            edit = draft.removal(start, end)
        elif standard is not None:
            edit = _Edit(start, end, standard)
        draft.found("slang", m.span(), standard, f"「{word}」是网络用语或方言，请用规范用语", edit)


def _pronouns(draft: _Draft) -> None:
    for m in _PRONOUN.finditer(draft.text):
        plural = len(m.group()) == 2
        why = "对顾客请用「您」（不说「您们」）" if plural else "对顾客请用「您」"
        draft.found("pronoun", m.span(), "您", why, _Edit(*m.span(), "您"))


def review(text: str, words: PolitenessWords = DEFAULT_WORDS) -> Review:
    """The findings, in the order they appear, and the whole draft rewritten politely."""
    patterns = _patterns(words)
    draft = _Draft(text, patterns)
    # Clause-wide rewrites first: the pronoun inside 「我说过了你听我说」 goes with its clause.
    _bare_refusals(draft, patterns)
    _arguing(draft, patterns)
    _addresses(draft, patterns)
    _slang(draft, patterns)
    _pronouns(draft)
    findings = tuple(sorted(draft.findings, key=lambda f: (f.start, f.end)))
    return Review(findings, draft.rewrite())


def check(text: str, words: PolitenessWords = DEFAULT_WORDS) -> list[Finding]:
    return list(review(text, words).findings)


def polite_rewrite(text: str, words: PolitenessWords = DEFAULT_WORDS) -> str:
    return review(text, words).rewrite
