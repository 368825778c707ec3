"""Private services for the chaos test: a PostgreSQL cluster, a Redis and the chat server, each
a real process of this test's own on its own port, so killing and restarting them touches
nothing else on the machine (the shared PostgreSQL and Redis of the other tests stay up)."""

from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import IN_CI

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_port(port: int, what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise AssertionError(f"{what} did not open port {port} within {timeout}s")


def postgres_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def require_binaries() -> tuple[Path, str]:
    pg_bin, redis = postgres_bin(), shutil.which("redis-server")
    if pg_bin is None or redis is None:
        missing = "PostgreSQL server binaries" if pg_bin is None else "redis-server"
        if IN_CI:
            pytest.fail(f"{missing} not installed; the chaos test needs them under CI")
        pytest.skip(f"{missing} not installed; install them to run the chaos test")
    return pg_bin, redis


@dataclass
class PrivatePostgres:
    """initdb into a temporary directory and pg_ctl on a port of its own. PostgreSQL refuses
    to run as root, so as root the cluster belongs to the `postgres` user (runuser)."""

    bin: Path
    port: int = field(default_factory=free_port)
    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="chaos-pg-")))

    @property
    def url(self) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str, check: bool = True) -> None:
        command = [str(self.bin / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=check, capture_output=True, timeout=60)

    def start(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        data = self.root / "data"
        self._run("initdb", "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync")
        self._pg_ctl("start")

    def _pg_ctl(self, action: str, *extra: str) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            "pg_ctl", action, "-D", str(self.root / "data"), "-w", "-o", options,
            "-l", str(self.root / "log"), *extra,
        )  # fmt: skip

    def restart(self) -> None:
        """An immediate stop is PostgreSQL's crash: no checkpoint, recovery at the start."""
        self._pg_ctl("restart", "-m", "immediate")

    def stop(self) -> None:
        self._run("pg_ctl", "stop", "-D", str(self.root / "data"), "-m", "immediate", check=False)
        shutil.rmtree(self.root, ignore_errors=True)


@dataclass
class PrivateRedis:
    binary: str
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port, "redis-server")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def restart(self) -> None:
        """Killed and started empty (`--save ""`): presence, locks and fan-out state gone."""
        self.stop()
        self.start()


@dataclass
class ServerProcess:
    """`python -m chatserver run`, as an operator starts it."""

    environ: dict[str, str]
    log: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.launch()
        self.wait_until_listening()

    def launch(self) -> None:
        """Starts the process without waiting: several servers start side by side, each
        taking seconds to import and warm its FAQ indexes before it opens its port."""
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "chatserver", "run", "--port", str(self.port)],
                env=self.environ,
                cwd=REPO,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def wait_until_listening(self) -> None:
        wait_for_port(self.port, "the chat server", timeout=60)

    def kill(self) -> None:
        """kill -9: no shutdown, whatever was in flight is cut off."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)
