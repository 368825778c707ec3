"""GET /api/reports/{shop,agents,groups}: who may read them, the exports read back (CSV with a
BOM and .xlsx), the filters and bad input, over HTTP (aiohttp's TestClient)."""

from __future__ import annotations

import csv
import io
from typing import Any

import openpyxl
from sqlalchemy import update

from chatserver.db.models import Agent
from tests.api.report_fixtures import insert_chats
from tests.conftest import InProcessApp

RANGE = "from=2020-03-10T00:00:00%2B08:00&to=2020-03-12T00:00:00%2B08:00"
ROUTES = ("shop", "agents", "groups")


async def _get(api: InProcessApp, path: str, token: str | None) -> tuple[int, str, bytes]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with api.request("GET", path, headers=headers) as response:
        return response.status, response.headers.get("Content-Type", ""), await response.read()


async def _json(api: InProcessApp, path: str, token: str | None) -> tuple[int, Any]:
    import json

    status, _type, body = await _get(api, path, token)
    return status, json.loads(body)


async def _staff(api: InProcessApp) -> dict[str, str]:
    await api.add_agent("boss", "王主管", role="supervisor")
    await api.add_agent("rivalboss", "别家主管", role="supervisor", shop="rival")
    return {
        "agent": (await api.login("agent", "agent123"))["token"],
        "supervisor": (await api.login("boss"))["token"],
        "admin": (await api.login("admin", "admin123"))["token"],
        "rival": (await api.login("rivalboss"))["token"],
    }


async def test_every_route_and_format_for_each_role(api: InProcessApp) -> None:
    ids = await insert_chats(api.db)
    tokens = await _staff(api)
    for route in ROUTES:
        for fmt in ("json", "csv", "xlsx"):
            path = f"/api/reports/{route}?{RANGE}&format={fmt}"
            status, _type, _body = await _get(api, path, None)
            assert status == 401, path
            status, _type, body = await _get(api, path + "&period=nonsense", tokens["agent"])
            # the role first: an agent learns nothing, not even that the input was wrong
            assert status == 403 and b"forbidden" in body, (path, body)
            for role in ("supervisor", "admin"):
                status, content_type, body = await _get(api, path, tokens[role])
                assert status == 200, (path, role, body)
                expected = {"json": "application/json", "csv": "text/csv", "xlsx": "spreadsheetml"}
                assert expected[fmt] in content_type

    # Each shop reads its own conversations only.
    status, mine = await _json(api, f"/api/reports/shop?{RANGE}", tokens["admin"])
    assert status == 200
    assert [r["conversations"] for r in mine["rows"]] == [4, 11]
    status, theirs = await _json(api, f"/api/reports/shop?{RANGE}", tokens["rival"])
    assert status == 200
    assert [r["conversations"] for r in theirs["rows"]] == [1, 0]
    # … and cannot name another shop's agent or group.
    for query, field in ((f"agent={ids['lily']}", "agent"), (f"group={ids['presales']}", "group")):
        status, body = await _json(api, f"/api/reports/agents?{query}", tokens["rival"])
        assert status == 404 and body["error"]["field"] == field, body


async def test_filters_defaults_and_bad_input(api: InProcessApp) -> None:
    ids = await insert_chats(api.db)
    tokens = await _staff(api)
    admin = tokens["admin"]

    status, agents = await _json(api, f"/api/reports/agents?{RANGE}", admin)
    assert status == 200 and agents["period"] == "all"
    assert [(r["agent"] and r["agent"]["name"], r["conversations"]) for r in agents["rows"]] == [
        ("小美", 2),
        ("莉莉", 11),
        (None, 2),
    ]
    status, lily_days = await _json(
        api, f"/api/reports/shop?{RANGE}&agent={ids['lily']}&period=day", admin
    )
    assert [r["conversations"] for r in lily_days["rows"]] == [1, 10]
    status, aftersales = await _json(
        api, f"/api/reports/groups?{RANGE}&group={ids['aftersales']}", admin
    )
    assert [(r["group"]["name"], r["complaints"]) for r in aftersales["rows"]] == [("售后", 1)]

    # Dates are whole local days of the shop: the same two days as RANGE.
    status, by_dates = await _json(api, "/api/reports/shop?from=2020-03-10&to=2020-03-11", admin)
    assert status == 200, by_dates
    assert (by_dates["from"], by_dates["to"]) == ("2020-03-09T16:00:00Z", "2020-03-11T16:00:00Z")
    assert [r["conversations"] for r in by_dates["rows"]] == [4, 11]

    # No range: the last 30 local days, one row a day, ending with today.
    status, recent = await _json(api, "/api/reports/shop", admin)
    assert status == 200 and len(recent["rows"]) == 30 and recent["period"] == "day"
    assert all(r["conversations"] == 0 for r in recent["rows"])

    bad = [
        ("from=yesterday", "from"),
        ("from=2020-03-10T00:00:00", "from"),  # no zone: which midnight?
        ("from=2020-03-12T00:00:00Z&to=2020-03-10T00:00:00Z", "from"),
        ("from=2020-03-12&to=2020-03-11", "from"),
        ("from=2020-02-30", "from"),
        ("period=hour", "period"),
        ("format=pdf", "format"),
        ("agent=abc", "agent"),
        ("group=-1", "group"),
        ("from=2019-01-01T00:00:00Z&to=2021-01-01T00:00:00Z&period=day", "period"),  # 731 days
    ]
    for query, field in bad:
        status, body = await _json(api, f"/api/reports/shop?{query}", admin)
        assert status == 400, (query, body)
        assert body["error"]["code"] == "invalid_payload"
        assert body["error"]["field"] == field, (query, body)
    status, body = await _json(api, "/api/reports/planets", admin)
    assert status == 404 and body["error"]["code"] == "not_found"
    # who asks is checked before what: nobody learns which reports exist
    assert (await _json(api, "/api/reports/planets", None))[0] == 401
    assert (await _json(api, "/api/reports/planets", tokens["agent"]))[0] == 403


async def test_csv_and_xlsx_read_back_with_chinese_headers(api: InProcessApp) -> None:
    ids = await insert_chats(api.db)
    tokens = await _staff(api)
    async with api.db.transaction() as tx:
        # a name that Excel would run as a formula
        await tx.session.execute(update(Agent).where(Agent.id == ids["lily"]).values(name="=1+1"))

    status, content_type, body = await _get(
        api, f"/api/reports/agents?{RANGE}&format=csv", tokens["supervisor"]
    )
    assert status == 200 and content_type == "text/csv; charset=utf-8"
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM: Excel opens it as UTF-8
    table = list(csv.reader(io.StringIO(body[3:].decode("utf-8"))))
    header, xiaomei, lily, nobody = table
    assert header[:5] == ["周期", "客服", "会话数", "机器人独立解决", "机器人解决率"]
    row = dict(zip(header, xiaomei, strict=True))
    assert row["客服"] == "小美"
    assert row["平均首次响应（秒）"] == "115.0"
    assert row["首次响应达标率"] == "100.00%"
    assert row["转人工原因"] == "投诉 1；顾客要求转人工 1"
    assert row["满意率"] == "50.00%"
    assert lily[1] == "'=1+1"
    assert nobody[1] == "未接入人工" and nobody[4] == "100.00%"

    status, content_type, body = await _get(
        api, f"/api/reports/shop?{RANGE}&format=xlsx", tokens["admin"]
    )
    assert status == 200
    sheet = openpyxl.load_workbook(io.BytesIO(body)).active
    assert sheet is not None
    values = [[cell.value for cell in line] for line in sheet.iter_rows()]
    header = values[0]
    day1 = dict(zip(header, values[1], strict=True))
    assert (day1["周期"], day1["全店"], day1["会话数"]) == ("2020-03-10", "全店", 4)
    assert day1["首次响应P90（秒）"] == 178.0
    assert day1["首次响应达标率"] == 0.6667
    assert day1["满意率"] == 0.5
    day2 = dict(zip(header, values[2], strict=True))
    assert day2["平均处理时长（秒）"] is None and day2["会话数"] == 11

    status, _type, body = await _get(
        api, f"/api/reports/agents?{RANGE}&format=xlsx", tokens["admin"]
    )
    agents_sheet = openpyxl.load_workbook(io.BytesIO(body)).active
    assert agents_sheet is not None
    lily_cell = agents_sheet.cell(row=3, column=2)
    assert (lily_cell.value, lily_cell.data_type) == ("=1+1", "s")  # text, not a formula
