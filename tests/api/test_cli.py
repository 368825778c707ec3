"""The command line as an operator runs it: a subprocess against a real database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def run_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "chatserver", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def cli_env(empty_database_url: str, tmp_path: Path) -> dict[str, str]:
    return {"DATABASE_URL": empty_database_url, "CHATSERVER_DATA_DIR": str(tmp_path / "data")}


def test_create_agent_on_an_empty_database_then_refuses_a_duplicate(
    cli_env: dict[str, str],
) -> None:
    args = ("create-agent", "--username", "lily", "--password", "s3cret!", "--name", "莉莉",
            "--role", "supervisor", "--shop", "flagship", "--max-chats", "8")  # fmt: skip
    # A new shop needs its real name: the greeting shows it to shoppers.
    nameless = run_cli(*args, env=cli_env)
    assert nameless.returncode == 1 and "--shop-name" in nameless.stderr
    first = run_cli(*args, "--shop-name", "鹿鸣旗舰店", env=cli_env)
    assert first.returncode == 0, first.stderr
    assert "lily" in first.stdout and "主管" in first.stdout and "鹿鸣旗舰店" in first.stdout
    assert "客服" in run_cli("create-agent", "--help", env=cli_env).stdout

    again = run_cli(*args, "--shop-name", "鹿鸣旗舰店", env=cli_env)
    assert again.returncode == 1
    assert "已存在" in again.stderr
    assert "Traceback" not in again.stderr


def test_seed_demo_is_idempotent_and_migrate_reports_success(cli_env: dict[str, str]) -> None:
    first = run_cli("seed-demo", env=cli_env)
    second = run_cli("seed-demo", env=cli_env)
    migrate = run_cli("migrate", env=cli_env)
    assert first.returncode == second.returncode == migrate.returncode == 0, first.stderr
    assert "已创建" in first.stdout and "agent" in first.stdout
    assert "已存在" in second.stdout


@pytest.mark.parametrize(
    ("env", "complaint"),
    [
        ({"DATABASE_URL": "mysql://root@localhost/x"}, "DATABASE_URL"),
        ({"REDIS_URL": "http://localhost:6379"}, "REDIS_URL"),
        ({"PORT": "eighty"}, "PORT"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY"),
    ],
)
def test_broken_configuration_fails_with_one_clear_line(
    env: dict[str, str], complaint: str, tmp_path: Path
) -> None:
    result = run_cli("migrate", env={"CHATSERVER_DATA_DIR": str(tmp_path), **env})
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and complaint in lines[0]


def test_invalid_agent_fields_are_refused_clearly(cli_env: dict[str, str]) -> None:
    result = run_cli(
        "create-agent", "--username", "x", "--password", "123", "--name", "小", env=cli_env
    )
    assert result.returncode == 1 and "密码" in result.stderr


def test_a_stopped_server_s_shoppers_reconnect_and_resume_on_its_restart(
    cli_env: dict[str, str],
) -> None:
    """A stop closes every socket at the transport level, so clients reconnect by themselves
    (to another process, or this one restarted) and resume their conversation; and the
    stop does not wait on them."""
    import asyncio
    import signal
    import socket as sockets

    import aiohttp
    import socketio

    assert run_cli("seed-demo", env=cli_env).returncode == 0
    with sockets.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}"

    def start() -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-m", "chatserver", "run", "--port", str(port)],
            env={**os.environ, **cli_env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )

    async def healthy() -> None:
        async with aiohttp.ClientSession() as http:
            for _ in range(600):
                try:
                    async with http.get(f"{url}/healthz") as response:
                        if response.status == 200:
                            return
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.1)
        raise AssertionError("the server did not start")

    servers = [start()]

    async def greeted(token: str | None) -> tuple[socketio.AsyncClient, dict[str, object]]:
        client = socketio.AsyncClient(reconnection=False)
        session: asyncio.Future[dict[str, object]] = asyncio.get_running_loop().create_future()
        client.on("session", session.set_result, namespace="/visitor")
        auth = {"shop": "demo"} | ({"token": token} if token else {})
        await client.connect(url, namespaces=["/visitor"], auth=auth, transports=["websocket"])
        return client, await asyncio.wait_for(session, 30)

    async def shopper_across_a_restart() -> tuple[list[dict[str, object]], int]:
        await healthy()
        client, first = await greeted(None)
        dropped = asyncio.Event()
        client.on("disconnect", lambda *_reason: dropped.set(), namespace="/visitor")
        servers[0].send_signal(signal.SIGINT)
        # The socket is closed by the stop itself (a Socket.IO client in the browser then
        # reconnects on its own: the transport closed, not "io server disconnect").
        await asyncio.wait_for(dropped.wait(), 30)
        returncode = await asyncio.get_running_loop().run_in_executor(
            None, lambda: servers[0].wait(timeout=60)
        )
        servers.append(start())
        await healthy()
        # What the widget does on reconnecting: the token of its session.
        again, second = await greeted(str(first["token"]))
        await again.disconnect()
        return [first, second], returncode

    try:
        sessions, returncode = asyncio.run(shopper_across_a_restart())
    finally:
        for server in servers:
            if server.poll() is None:
                server.send_signal(signal.SIGINT)
                try:
                    server.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    server.kill()
    assert returncode == 0
    assert len(sessions) == 2
    assert sessions[1]["conversation_id"] == sessions[0]["conversation_id"]


def test_an_unknown_event_loop_is_a_clear_configuration_error(tmp_path: Path) -> None:
    from chatserver.config import ConfigError, load_settings

    env = {"CHATSERVER_DATA_DIR": str(tmp_path)}
    assert load_settings(env, host="127.0.0.1", port=0).event_loop == "uvloop"
    chosen = load_settings(env | {"CHATSERVER_EVENT_LOOP": "asyncio"}, host="127.0.0.1", port=0)
    assert chosen.event_loop == "asyncio"
    with pytest.raises(ConfigError, match="CHATSERVER_EVENT_LOOP"):
        load_settings(env | {"CHATSERVER_EVENT_LOOP": "trio"}, host="127.0.0.1", port=0)


def _run_banner(env: dict[str, str]) -> str:
    """What `run` prints before it serves, the process stopped right after."""
    with subprocess.Popen(
        [sys.executable, "-m", "chatserver", "run", "--port", "0"],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    ) as process:
        try:
            assert process.stdout is not None
            lines = []
            for line in process.stdout:
                lines.append(line)
                if "健康检查" in line:
                    break
            return "".join(lines)
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def test_run_shows_the_demo_page_and_logins_only_where_seed_demo_made_them(
    cli_env: dict[str, str],
) -> None:
    fresh = _run_banner(cli_env)
    assert "/agent/" in fresh and "/healthz" in fresh, fresh
    assert "/demo/" not in fresh and "agent123" not in fresh and "seed-demo" in fresh
    # An operator's first account, in the shop `create-agent` names by default (demo): the
    # demo page exists now, but no demo login does.
    owner = ("create-agent", "--username", "boss", "--password", "s3cret!", "--name", "老板",
             "--role", "admin", "--shop-name", "鹿鸣旗舰店")  # fmt: skip
    assert run_cli(*owner, env=cli_env).returncode == 0
    shop_only = _run_banner(cli_env)
    assert "/demo/" in shop_only and "agent123" not in shop_only and "admin123" not in shop_only
    assert run_cli("seed-demo", env=cli_env).returncode == 0
    seeded = _run_banner(cli_env)
    assert "agent / agent123" in seeded and "admin / admin123" in seeded, seeded
