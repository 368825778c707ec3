"""faq/files.py and `python -m faq export|import`: a shop's FAQ as JSON, CSV or Excel, read
back exactly, bad rows named, and the exported file usable by `eval` and `match` at once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from faq import load_default_faq
from faq.entries import FaqFileError
from faq.files import (
    FORMATS,
    MAX_ROWS,
    FaqRecord,
    read_faq,
    records_from_entries,
    write_faq,
)
from tests.unit.faq.test_faq_cli import run_faq

TRICKY = [
    FaqRecord(
        "=1+1 会算吗？",
        '第一行，\n第二行, 含逗号 "引号"',
        ("+86 电话", "'=x"),
        "测试",
        False,
        "007",
    ),
    FaqRecord("'普通问题", "-减号开头的答案", id="42"),
    FaqRecord("繁體：退貨要多久", "約 1-2 個工作日 😀", ("退款幾天到",), "售后"),
]


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_reads_back_what_it_wrote(fmt: str) -> None:
    records = records_from_entries(load_default_faq()) + TRICKY
    data = write_faq(records, fmt)
    sheet = read_faq(data, fmt)
    assert sheet.errors == []
    assert [FaqRecord(**{**vars(r), "row": 0}) for r in sheet.records] == records
    assert write_faq(sheet.records, fmt) == data


def test_a_csv_opened_in_excel_runs_no_formula_and_chinese_excel_files_are_read() -> None:
    data = write_faq(TRICKY[:1], "csv")
    assert data.startswith("\ufeff".encode())  # Excel reads it as UTF-8
    assert "'=1+1" in data.decode("utf-8-sig")
    gbk = "标准问题,答案\n包邮吗,包邮的\n".encode("gb18030")
    assert [r.question for r in read_faq(gbk, "csv").records] == ["包邮吗"]


def test_bad_rows_are_all_named_and_whole_file_problems_are_errors() -> None:
    rows = [
        {"question": "包邮吗", "answer": "包邮"},
        {"question": "", "answer": 3},
        {"answer": "x", "enabled": "也许"},
    ]
    sheet = read_faq(json.dumps(rows).encode(), "json")
    assert [r.question for r in sheet.records] == ["包邮吗"]
    assert [e.text() for e in sheet.errors] == [
        "第 2 条：标准问题不能为空",
        "第 3 条：标准问题不能为空",
        "第 3 条：启用一栏只能填“是”或“否”，不能是“也许”",
    ]
    with pytest.raises(FaqFileError, match="缺少"):
        read_faq("问题,回答\n包邮吗,包邮\n".encode(), "csv")
    with pytest.raises(FaqFileError, match="Excel"):
        read_faq(b"PK\x03\x04broken", "xlsx")


def test_the_row_limit_counts_bad_rows_too() -> None:
    bad = "标准问题,答案\n" + ",没有问题\n" * (MAX_ROWS + 1)
    with pytest.raises(FaqFileError, match=str(MAX_ROWS)):
        read_faq(bad.encode(), "csv")
    assert len(read_faq(("标准问题,答案\n" + ",没有问题\n" * MAX_ROWS).encode(), "csv").errors) == (
        MAX_ROWS
    )


def test_cli_export_then_import_then_eval_on_the_exported_files(tmp_path: Path) -> None:
    queries = tmp_path / "queries.tsv"
    queries.write_text("size-advice\t身高165穿什么码\n-\t你们卖冰箱吗\n", encoding="utf-8")
    workbook = tmp_path / "faq.xlsx"
    done = run_faq("export", "-o", str(workbook))
    assert done.returncode == 0, done.stderr
    imported = tmp_path / "faq.json"
    done = run_faq("import", str(workbook), "-o", str(imported))
    assert done.returncode == 0, done.stderr
    done = run_faq("export", "--faq", str(imported), "--format", "csv")
    assert done.returncode == 0, done.stderr
    as_csv = tmp_path / "faq.csv"
    as_csv.write_text(done.stdout, encoding="utf-8")
    for path in (workbook, imported, as_csv):
        done = run_faq("eval", "--faq", str(path), "--queries", str(queries))
        assert done.returncode == 0, done.stderr
        assert "top-1                    1.000" in done.stdout
    assert json.loads(imported.read_text(encoding="utf-8")) == json.loads(run_faq("export").stdout)


def test_cli_takes_the_faq_as_the_server_lists_it(tmp_path: Path) -> None:
    listed = {
        "items": [
            {"id": 7, "key": "fee", "question": "包邮吗", "similar": ["免运费吗"], "answer": "包邮。",
             "category": "", "enabled": True, "updated_at": "2026-11-25T02:34:29Z"}
        ]
    }  # fmt: skip
    path = tmp_path / "api.json"
    path.write_text(json.dumps(listed, ensure_ascii=False), encoding="utf-8")
    done = run_faq("match", "--faq", str(path), stdin="免运费吗\n")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["matches"][0]["id"] == "7"
