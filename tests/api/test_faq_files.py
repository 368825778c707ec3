"""FAQ import and export over HTTP in JSON, CSV and Excel: exact round trips, a preview of what
changes, and bad files refused whole with an error per row."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest

from faq.files import FaqRecord, read_faq, write_faq
from tests.conftest import InProcessApp, ServedApp

TRICKY_ANSWER = (
    '亲，您好！\n第一步：联系客服，说明订单号, 颜色、尺码；\n第二步：寄回，"包装完好"即可。'
)


async def _request(
    server: ServedApp, method: str, path: str, token: str, data: bytes | None = None
) -> tuple[int, bytes, str]:
    headers = {"Authorization": f"Bearer {token}"}
    async with server.request(method, path, data=data, headers=headers) as response:
        return response.status, await response.read(), response.headers.get("Content-Type", "")


async def _export(server: ServedApp, token: str, fmt: str) -> bytes:
    status, body, _ = await _request(server, "GET", f"/api/faq/export?format={fmt}", token)
    assert status == 200, body
    return body


async def _import(
    server: ServedApp, token: str, fmt: str, data: bytes, mode: str = "preview"
) -> tuple[int, Any]:
    status, body, _ = await _request(
        server, "POST", f"/api/faq/import?format={fmt}&mode={mode}", token, data
    )
    return status, json.loads(body)


async def _faq(server: ServedApp, token: str) -> list[dict[str, Any]]:
    _, body, _ = await _request(server, "GET", "/api/faq", token)
    return json.loads(body)["items"]


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
async def test_export_import_export_is_identical_and_an_edit_comes_back(
    api: InProcessApp, fmt: str
) -> None:
    admin = (await api.login("admin", "admin123"))["token"]
    first = await _export(api, admin, fmt)
    status, preview = await _import(api, admin, fmt, first)
    assert status == 200, preview
    entries = await _faq(api, admin)
    assert (preview["added"], preview["changed"]) == (0, 0)
    assert preview["unchanged"] == len(entries) and preview["errors"] == []
    status, done = await _import(api, admin, fmt, first, "apply")
    assert (status, done["applied"]) == (200, True)
    assert await _export(api, admin, fmt) == first  # byte for byte

    # Edit the file: Chinese text with newlines, commas and quotes, a new entry, a disabled one.
    sheet = read_faq(first, fmt)
    records = [
        FaqRecord(r.question, TRICKY_ANSWER, r.similar, r.category, r.enabled, r.id)
        if i == 0
        else r
        for i, r in enumerate(sheet.records)
    ]
    records.append(
        FaqRecord(
            "可以开专票吗",
            "可以的，请您提供开票信息，我们 3 个工作日内寄出。",
            ("能开增值税专用发票吗",),
            "发票",
            False,
        )
    )
    edited = write_faq(records, fmt)
    status, preview = await _import(api, admin, fmt, edited)
    assert (preview["added"], preview["changed"], preview["unchanged"]) == (1, 1, len(entries) - 1)
    changed = next(r for r in preview["rows"] if r["action"] == "changed")
    assert changed["changes"] == ["answer"] and changed["id"] == entries[0]["id"]
    assert await _faq(api, admin) == entries  # a preview writes nothing

    status, done = await _import(api, admin, fmt, edited, "apply")
    assert status == 200 and done["applied"]
    after = await _faq(api, admin)
    assert after[0]["answer"] == TRICKY_ANSWER
    assert after[-1]["question"] == "可以开专票吗" and after[-1]["enabled"] is False
    again = await _export(api, admin, fmt)
    assert [(r.question, r.answer, r.similar, r.enabled) for r in read_faq(again, fmt).records] == [
        (r.question, r.answer, r.similar, r.enabled) for r in records
    ]


async def test_the_exported_json_is_what_get_api_faq_lists(api: InProcessApp) -> None:
    admin = (await api.login("admin", "admin123"))["token"]
    exported = json.loads(await _export(api, admin, "json"))
    listed = await _faq(api, admin)
    keep = ("id", "question", "similar", "answer", "category", "enabled")
    assert exported == [{k: e[k] for k in keep} for e in listed]
    # And GET /api/faq's own answer imports as it is (unknown fields ignored).
    status, preview = await _import(
        api, admin, "json", json.dumps({"items": listed}, ensure_ascii=False).encode()
    )
    assert (status, preview["unchanged"], preview["errors"]) == (200, len(listed), [])


async def test_a_file_with_bad_rows_is_refused_whole_with_an_error_per_row(
    api: InProcessApp,
) -> None:
    admin = (await api.login("admin", "admin123"))["token"]
    before = await _faq(api, admin)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerows(
        [
            ["标准问题", "相似问法", "答案", "分类", "启用"],
            ["新问题一", "", "新答案一", "", "是"],
            ["", "", "缺少问题", "", "是"],
            ["新问题三", "", "答" * 2001, "", "是"],
            ["新问题四", "", "新答案四", "", "也许"],
            ["新问题一", "", "又一次", "", "是"],
        ]
    )
    data = out.getvalue().encode("utf-8")
    status, preview = await _import(api, admin, "csv", data)
    assert status == 200
    assert [(e["row"], e["field"]) for e in preview["errors"]] == [
        (3, "question"),
        (4, "answer"),
        (5, "enabled"),
        (6, "question"),
    ]
    assert preview["errors"][0]["message"] == "第 3 行：标准问题不能为空"
    status, refused = await _import(api, admin, "csv", data, "apply")
    assert status == 400 and refused["error"]["code"] == "invalid_payload"
    assert [r["row"] for r in refused["error"]["rows"]] == [3, 4, 5, 6]
    assert await _faq(api, admin) == before  # nothing half-written

    for fmt, junk in (
        ("json", b"{not json"),
        ("xlsx", b"PK\x03\x04 not a workbook"),
        ("csv", b"a,b\n1,2\n"),
    ):
        status, body = await _import(api, admin, fmt, junk, "apply")
        assert (status, body["error"]["field"]) == (400, "file"), (fmt, body)
    status, body = await _import(api, admin, "pdf", b"x")
    assert (status, body["error"]["field"]) == (400, "format")
    assert await _faq(api, admin) == before
