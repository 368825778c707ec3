"""Fixtures for the browser tests: the real server in a subprocess and Debian's chromium.

Each test gets a fresh server (its own temporary data dir, so its own SQLite database, seeded
with the demo shop) on a free port; `ChatServer.restart()` stops and starts it on the same port
and data, for the reconnect tests. Screenshots go to $SCREENSHOT_DIR (default
<tmp>/chatserver-screenshots) and are never committed.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from .shop_site import ShopSite

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "widget" / "dist"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1366, "height": 860}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ChatServer:
    """`python -m chatserver run` on a free port with a private data dir."""

    def __init__(self, data_dir: Path, log_path: Path) -> None:
        self.data_dir = data_dir
        self.log_path = log_path
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None
        env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
        env["CHATSERVER_DATA_DIR"] = str(data_dir)
        env["PYTHONUNBUFFERED"] = "1"
        self.env = env

    def cli(self, *args: str) -> None:
        subprocess.run(
            [sys.executable, "-m", "chatserver", *args],
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
            timeout=120,
        )

    def create_agent(self, username: str, password: str, name: str) -> None:
        self.cli(
            "create-agent",
            "--username", username,
            "--password", password,
            "--name", name,
            "--shop", "demo",
        )  # fmt: skip

    def start(self) -> None:
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "chatserver",
                "run",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited early, see {self.log_path}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"server did not answer /healthz in 60 s:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        self.proc = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    path = Path(
        os.environ.get("SCREENSHOT_DIR") or Path(tempfile.gettempdir()) / "chatserver-screenshots"
    )
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def built_widget() -> Path:
    if (
        not (DIST / "widget" / "widget.js").is_file()
        or not (DIST / "agent" / "index.html").is_file()
    ):
        pytest.fail(
            "widget/dist is missing: run `cd widget && npm ci && npm run build` (make does it)"
        )
    return DIST


# The demo shop open around the clock, so a browser test's outcome never depends on the hour it
# runs at (the server reads business hours with the real clock). Hours tests set their own.
ALWAYS_OPEN = {
    "time_zone": "Asia/Shanghai",
    "weekly": {
        d: [{"start": "00:00", "end": "24:00"}] for d in "mon tue wed thu fri sat sun".split()
    },
    "holidays": [],
    "exceptions": [],
}


def open_around_the_clock(data_dir: Path) -> None:
    with sqlite3.connect(data_dir / "chatserver.db") as db:
        db.execute(
            "INSERT INTO shop_hours (shop_id, settings, updated_at) "
            "SELECT id, ?, CURRENT_TIMESTAMP FROM shops WHERE slug = 'demo'",
            (json.dumps(ALWAYS_OPEN),),
        )


@contextmanager
def serving(tmp_path: Path, **env: str) -> Iterator[ChatServer]:
    """A seeded server (the demo shop open around the clock) with these extra environment
    settings, stopped afterwards."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    srv = ChatServer(data_dir, tmp_path / "server.log")
    srv.env.update(env)
    srv.cli("seed-demo")
    open_around_the_clock(data_dir)
    srv.start()
    try:
        yield srv
    finally:
        srv.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture
def server(built_widget: Path, tmp_path: Path) -> Iterator[ChatServer]:
    with serving(tmp_path) as srv:
        yield srv


# Package scope, not session: Playwright's sync API keeps an event loop running while it is
# open, which would break the asyncio tests that pytest runs after this package.
@pytest.fixture(scope="package")
def browser():  # type: ignore[no-untyped-def]
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def phone(browser):  # type: ignore[no-untyped-def]
    """A shopper's phone: 360×740, touch, a mobile user agent."""
    ctx = browser.new_context(
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        user_agent=(
            "Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/120.0 Mobile Safari/537.36"
        ),
    )
    yield ctx
    ctx.close()


@pytest.fixture
def new_context(browser):  # type: ignore[no-untyped-def]
    """Factory for more browser contexts (desktop by default), closed after the test."""
    made = []

    def make(viewport: dict[str, int] | None = None, **kw):  # type: ignore[no-untyped-def]
        ctx = browser.new_context(viewport=viewport or DESKTOP, locale="zh-CN", **kw)
        made.append(ctx)
        return ctx

    yield make
    for ctx in made:
        ctx.close()


@pytest.fixture
def shop_site() -> Iterator[ShopSite]:
    site = ShopSite()
    yield site
    site.httpd.shutdown()
    site.httpd.server_close()
