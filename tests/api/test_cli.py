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
    first = run_cli(*args, env=cli_env)
    assert first.returncode == 0, first.stderr
    assert "lily" in first.stdout

    again = run_cli(*args, env=cli_env)
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
