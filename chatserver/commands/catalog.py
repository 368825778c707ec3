"""What admins and supervisors send to edit the FAQ, standard phrases and shop settings."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, ClassVar

from pydantic import PlainValidator, model_validator

from chatserver.commands.base import Command
from chatserver.domain.greeting import (
    FAREWELL_PLACEHOLDERS,
    GREETING_PLACEHOLDERS,
    PHRASE_PLACEHOLDERS,
    check_template,
)
from chatserver.domain.phrases import SHORTCUT_RULE, normalize_shortcut
from chatserver.domain.text import clean_stored_text, is_encodable
from chatserver.errors import AppError, invalid

MAX_QUESTION = 200
MAX_ANSWER = 2000
MAX_SIMILAR = 50
MAX_TITLE = 64
MAX_CATEGORY = 32
MAX_SHOP_NAME = 100

LABELS = {
    "question": "标准问题",
    "answer": "答案",
    "category": "分类",
    "title": "标题",
    "text": "内容",
    "name": "店铺名称",
    "greeting_template": "欢迎语",
    "farewell_template": "结束语",
    "shortcut": "快捷词",
    "similar": "相似问法",
    "enabled": "启用状态",
}


def _text_rule(
    name: str, limit: int, *, required: bool, may_be_empty: bool = False
) -> Callable[[Any], str | None]:
    """A trimmed text field; None when absent and optional. Errors name the field."""
    label = LABELS.get(name, name)

    def validate(value: Any) -> str | None:
        if value is None:
            if required:
                raise invalid(f"{label}不能为空", field=name)
            return None
        if not isinstance(value, str):
            raise invalid(f"{label}必须是文字", field=name)
        cleaned = clean_stored_text(value)
        if cleaned is None:
            raise invalid(f"{label}包含无效字符", field=name)
        if not cleaned and not may_be_empty:
            raise AppError("empty_text", f"{label}不能为空", field=name)
        if len(cleaned) > limit:
            raise AppError("text_too_long", f"{label}不能超过 {limit} 个字符", field=name)
        return cleaned

    return validate


def _stored_text(
    name: str, limit: int, *, required: bool, may_be_empty: bool = False
) -> PlainValidator:
    """The validator of a stored text; the field's type is written where it is used, so a
    type checker sees a real alias (str for a required field, str | None otherwise)."""
    rule = _text_rule(name, limit, required=required, may_be_empty=may_be_empty)
    return PlainValidator(rule, json_schema_input_type=str if required else str | None)


def _similar(value: Any) -> list[str] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise invalid("相似问法必须是文字列表", field="similar")
    cleaned = [clean_stored_text(item) for item in value]
    if any(item is None for item in cleaned):
        raise invalid("相似问法包含无效字符", field="similar")
    items = [item for item in cleaned if item]
    if len(items) > MAX_SIMILAR:
        raise invalid(f"相似问法最多 {MAX_SIMILAR} 条", field="similar")
    if any(len(item) > MAX_QUESTION for item in items):
        raise AppError(
            "text_too_long", f"每条相似问法不能超过 {MAX_QUESTION} 个字符", field="similar"
        )
    return list(dict.fromkeys(items))


def _enabled(value: Any) -> bool | None:
    if value is not None and not isinstance(value, bool):
        raise invalid("启用状态必须是 true 或 false", field="enabled")
    return value


def _template(
    name: str, limit: int, placeholders: tuple[str, ...], *, required: bool, label: str = ""
) -> PlainValidator:
    """A text with placeholders (domain/greeting.py): refused at once when it cannot render."""
    label = label or LABELS.get(name, name)
    text_rule = _text_rule(name, limit, required=required)

    def validate(value: Any) -> str | None:
        text = text_rule(value)
        if text is not None:
            problem = check_template(text, placeholders, label)
            if problem is not None:
                raise invalid(problem, field=name)
        return text

    return PlainValidator(validate, json_schema_input_type=str if required else str | None)


def _shortcut(value: Any) -> str | None:
    """None leaves it as it is; "" clears it; anything else must follow the rule."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise invalid("快捷词必须是文字", field="shortcut")
    if not value.strip():
        return ""
    token = normalize_shortcut(value)
    if token is None:
        raise invalid(SHORTCUT_RULE, field="shortcut")
    return token


Similar = Annotated[list[str] | None, PlainValidator(_similar, json_schema_input_type=list[str])]
Enabled = Annotated[bool | None, PlainValidator(_enabled, json_schema_input_type=bool)]
Category = Annotated[
    str | None, _stored_text("category", MAX_CATEGORY, required=False, may_be_empty=True)
]
Greeting = Annotated[
    str | None,
    _template("greeting_template", MAX_ANSWER, GREETING_PLACEHOLDERS, required=False),
]
Farewell = Annotated[
    str | None,
    _template("farewell_template", MAX_ANSWER, FAREWELL_PLACEHOLDERS, required=False),
]
Shortcut = Annotated[str | None, PlainValidator(_shortcut, json_schema_input_type=str)]
Question = Annotated[str, _stored_text("question", MAX_QUESTION, required=True)]
Answer = Annotated[str, _stored_text("answer", MAX_ANSWER, required=True)]
NewQuestion = Annotated[str | None, _stored_text("question", MAX_QUESTION, required=False)]
NewAnswer = Annotated[str | None, _stored_text("answer", MAX_ANSWER, required=False)]
Title = Annotated[str, _stored_text("title", MAX_TITLE, required=True)]
PhraseText = Annotated[
    str, _template("text", MAX_ANSWER, PHRASE_PLACEHOLDERS, required=True, label="常用语")
]
NewTitle = Annotated[str | None, _stored_text("title", MAX_TITLE, required=False)]
NewPhraseText = Annotated[
    str | None, _template("text", MAX_ANSWER, PHRASE_PLACEHOLDERS, required=False, label="常用语")
]
ShopName = Annotated[str | None, _stored_text("name", MAX_SHOP_NAME, required=False)]


class _Edit(Command):
    """An edit: at least one field must change."""

    @model_validator(mode="after")
    def _something(self) -> Any:
        if all(getattr(self, name) is None for name in type(self).model_fields):
            raise invalid("没有要修改的内容")
        return self


class FaqCreate(Command):
    question: Question
    answer: Answer
    category: Category = None
    enabled: Enabled = None
    similar: Similar = None


class FaqUpdate(_Edit):
    question: NewQuestion = None
    answer: NewAnswer = None
    category: Category = None
    similar: Similar = None
    enabled: Enabled = None


class PhraseCreate(Command):
    title: Title
    text: PhraseText
    category: Category = None
    shortcut: Shortcut = None


class PhraseUpdate(_Edit):
    title: NewTitle = None
    text: NewPhraseText = None
    category: Category = None
    shortcut: Shortcut = None


class ShopUpdate(_Edit):
    name: ShopName = None
    greeting_template: Greeting = None
    farewell_template: Farewell = None


MAX_SEARCH = 64
SEARCH_LIMIT = 12
MAX_SEARCH_LIMIT = 50


def _search_text(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise invalid("q 必须是字符串", field="q")
    if len(value) > MAX_SEARCH:
        raise AppError("text_too_long", f"搜索内容不能超过 {MAX_SEARCH} 个字符", field="q")
    return value.strip()


def _search_limit(value: Any) -> int:
    """From a query string, so a number arrives as text."""
    if value is None:
        return SEARCH_LIMIT
    text = str(value)
    if not text.isdigit() or not 1 <= int(text) <= MAX_SEARCH_LIMIT:
        raise invalid(f"limit 必须是 1-{MAX_SEARCH_LIMIT} 的整数", field="limit")
    return int(text)


class PhraseSearch(Command):
    """`GET /api/phrases/search?q=`: what the agent typed after `/`."""

    q: Annotated[str, PlainValidator(_search_text, json_schema_input_type=str)] = ""
    limit: Annotated[int, PlainValidator(_search_limit, json_schema_input_type=int)] = SEARCH_LIMIT


def _question(value: Any) -> str:
    if not isinstance(value, str):
        raise invalid("question 必须是字符串")
    if not is_encodable(value):
        raise invalid("问题包含无效字符")
    if not value.strip():
        raise AppError("empty_text", "请输入要测试的问题")
    if len(value) > MAX_ANSWER:
        raise AppError("text_too_long", f"问题不能超过 {MAX_ANSWER} 个字符")
    return value


class TryQuestion(Command):
    """`POST /api/faq/try`: what the bot would do with this question now."""

    shape_error: ClassVar[str] = "请求体必须是 JSON 对象"
    question: Annotated[str, PlainValidator(_question, json_schema_input_type=str)]
