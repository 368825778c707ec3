"""The placeholder rules of the greeting, the farewell and standard phrases, on the server
(chatserver/domain/greeting.py) and in the front end (widget/src/shared/template.ts), checked on
the same cases so an admin's preview and an agent's inserted phrase read as the server's."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from chatserver.domain.greeting import (
    DEFAULT_FAREWELL,
    DEFAULT_GREETING,
    FAREWELL_PLACEHOLDERS,
    GREETING_PLACEHOLDERS,
    PHRASE_PLACEHOLDERS,
    check_template,
    render_farewell,
    render_template,
)
from chatserver.domain.phrases import ShortcutEntry, normalize_shortcut, shortcut_hits
from tests.conftest import service_missing

ROOT = Path(__file__).resolve().parents[2]
CASES: dict[str, Any] = json.loads((ROOT / "tests/data/template_cases.json").read_text("utf-8"))


def _agrees(problem: str | None, expected: str | bool | None) -> bool:
    """`true` in the cases: refused, whatever the words."""
    return problem is not None if expected is True else problem == expected


def test_the_server_renders_and_checks_the_shared_cases() -> None:
    values = CASES["values"]
    for template, expected in CASES["render"]:
        assert render_template(template, values) == expected, template
    without_shopper = {k: v for k, v in values.items() if k != "shopper"}
    for template, expected in CASES["render_without_shopper"]:
        assert render_template(template, without_shopper) == expected, template
    for case in CASES["check"]:
        problem = check_template(case["template"], tuple(case["placeholders"]), "欢迎语")
        assert _agrees(problem, case["problem"]), case


def test_a_value_is_never_read_as_a_template() -> None:
    assert render_template("{shop}{agent}", {"shop": "{agent}", "agent": "{{x}}"}) == "{agent}{{x}}"


def test_the_defaults_are_valid_and_the_farewell_promises_no_message() -> None:
    assert check_template(DEFAULT_GREETING, GREETING_PLACEHOLDERS) is None
    assert check_template(DEFAULT_FAREWELL, FAREWELL_PLACEHOLDERS, "结束语") is None
    farewell = render_farewell(DEFAULT_FAREWELL, shop="鹿鸣衣橱", agent="小美")
    assert "小美" in farewell and "鹿鸣衣橱" in farewell and "感谢您" in farewell
    assert "留言" not in farewell and "{" not in farewell


def test_each_text_names_its_own_placeholders() -> None:
    assert check_template("{shopper}您好", PHRASE_PLACEHOLDERS, "常用语") is None
    problem = check_template("{shopper}您好", FAREWELL_PLACEHOLDERS, "结束语")
    assert problem == "结束语只能使用 {shop}、{agent}，不认识 {shopper}"


RUNNER = """
import { renderTemplate, templateProblem } from './template.js';
import { readFileSync } from 'node:fs';
const cases = JSON.parse(readFileSync(process.argv[2], 'utf-8'));
const without = { ...cases.values };
delete without.shopper;
console.log(JSON.stringify({
  render: cases.render.map(([t]) => renderTemplate(t, cases.values)),
  render_without_shopper: cases.render_without_shopper.map(([t]) => renderTemplate(t, without)),
  check: cases.check.map((c) => templateProblem(c.template, c.placeholders, '欢迎语')),
}));
"""


def test_the_front_end_renders_and_checks_the_same_cases(tmp_path: Path) -> None:
    tsc = ROOT / "widget/node_modules/.bin/tsc"
    node = shutil.which("node")
    if node is None or not tsc.exists():
        service_missing("Node and the widget's TypeScript", "run `make widget`")
    compiled = subprocess.run(
        [
            str(tsc),
            str(ROOT / "widget/src/shared/template.ts"),
            *("--outDir", str(tmp_path), "--target", "ES2020", "--module", "ES2020"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert compiled.returncode == 0, compiled.stdout + compiled.stderr
    (tmp_path / "package.json").write_text('{"type": "module"}')
    (tmp_path / "run.js").write_text(RUNNER)
    ran = subprocess.run(
        [node, str(tmp_path / "run.js"), str(ROOT / "tests/data/template_cases.json")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert ran.returncode == 0, ran.stderr
    out = json.loads(ran.stdout)
    assert out["render"] == [expected for _t, expected in CASES["render"]]
    assert out["render_without_shopper"] == [e for _t, e in CASES["render_without_shopper"]]
    for case, problem in zip(CASES["check"], out["check"], strict=True):
        assert _agrees(problem, case["problem"]), (case, problem)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("dh", "dh"),
        (" Thanks ", "thanks"),
        ("size-M", "size-m"),
        ("a_1", "a_1"),
        ("x" * 16, "x" * 16),
    ],
)
def test_good_shortcuts_are_stored_in_lower_case(typed: str, stored: str) -> None:
    assert normalize_shortcut(typed) == stored


@pytest.mark.parametrize("typed", ["", "  ", "有货", "a b", "x" * 17, "dh!", "ｄｈ", "/dh", "d.h"])
def test_bad_shortcuts_are_refused(typed: str) -> None:
    assert normalize_shortcut(typed) is None


def test_shortcut_hits_put_the_exact_one_first_then_shorter_then_alphabetical() -> None:
    entries = [
        ShortcutEntry(1, "cm-long"),
        ShortcutEntry(2, "cmb"),
        ShortcutEntry(3, "cm"),
        ShortcutEntry(4, "cma"),
        ShortcutEntry(5, "hy"),
    ]
    assert shortcut_hits("CM", entries) == [3, 4, 2, 1]
    assert shortcut_hits("cmb", entries) == [2]
    assert shortcut_hits("", entries) == [3, 1, 4, 2, 5]
    assert shortcut_hits("尺码", entries) == []
    assert shortcut_hits("c m", entries) == []
