"""`python -m faq match|eval` on good and bad files, as an operator runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

GOOD_FAQ = [
    {
        "id": "sf",
        "question": "可以发顺丰吗",
        "answer": "可以，需要补差价。",
        "similar": ["能走顺丰吗"],
    },
    {"id": "fee", "question": "包邮吗", "answer": "包邮。"},
    {"id": "old", "question": "发票怎么开", "answer": "……", "enabled": False},
]


def run_faq(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "faq", *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )


def write(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_match_writes_one_json_line_per_query(tmp_path: Path) -> None:
    faq = write(tmp_path / "faq.json", GOOD_FAQ)
    done = run_faq("match", "--faq", str(faq), stdin="能发顺风吗\n\n包邮不\n")
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [line["query"] for line in lines] == ["能发顺风吗", "", "包邮不"]
    assert lines[0]["matches"][0]["id"] == "sf"
    assert lines[0]["confident"] is True
    assert set(lines[0]["matches"][0]) == {"id", "score"}
    assert lines[1] == {"query": "", "matches": [], "confident": False}
    assert all(m["id"] != "old" for line in lines for m in line["matches"])
    assert done.stderr == ""  # jieba's start-up chatter is silenced


def test_match_without_faq_uses_the_default_faq() -> None:
    done = run_faq("match", stdin="退款多久到账\n")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["matches"][0]["id"] == "refund-time"


def test_bad_faq_file_fails_with_a_message_naming_the_entry(tmp_path: Path) -> None:
    faq = write(tmp_path / "faq.json", [GOOD_FAQ[0], {"id": "broken", "question": "包邮吗"}])
    done = run_faq("match", "--faq", str(faq), stdin="包邮吗\n")
    assert done.returncode == 2
    assert "第 2 条：答案不能为空" in done.stderr
    assert done.stdout == ""


def test_eval_prints_figures_and_confusions(tmp_path: Path) -> None:
    faq = write(tmp_path / "faq.json", GOOD_FAQ)
    queries = tmp_path / "queries.tsv"
    queries.write_text(
        "sf\t能发顺丰吗\nfee\t包邮吗\n-\t你们卖冰箱吗\nfee\t能走顺丰吗\n", encoding="utf-8"
    )
    done = run_faq("eval", "--faq", str(faq), "--queries", str(queries))
    assert done.returncode == 0, done.stderr
    assert "top-1                    0.667" in done.stdout
    assert "out-of-scope confident   0.000" in done.stdout
    assert "fee -> sf" in done.stdout


def test_eval_with_a_malformed_query_file_names_the_line(tmp_path: Path) -> None:
    queries = tmp_path / "queries.tsv"
    queries.write_text("sf\t能发顺丰吗\nno tab here\n", encoding="utf-8")
    done = run_faq("eval", "--queries", str(queries))
    assert done.returncode == 2
    assert "line 2" in done.stderr
