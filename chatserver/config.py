"""Settings from the environment: one frozen dataclass, validated once at start."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

_SUPPORTED_DATABASE_PREFIXES = ("sqlite+aiosqlite://", "postgresql+asyncpg://")


class ConfigError(Exception):
    """A setting is missing or broken; the message is one line for the operator."""


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    redis_url: str | None
    secret_key: str
    host: str
    port: int
    # How long an agent may be disconnected before their chats go back to the queue.
    agent_grace_seconds: float = 30.0
    demo_shop: str = "demo"
    # Several deployments (or test runs) can share one Redis without hearing each other.
    redis_channel: str = "chatserver"
    # Webhooks: allow endpoints on loopback/private/link-local addresses (tests, an intranet
    # receiver); the first retry's wait (doubling up to an hour); when to give up; the poll.
    webhooks_allow_private: bool = False
    webhook_retry_seconds: float = 30.0
    webhook_give_up_seconds: float = 86400.0
    webhook_poll_seconds: float = 2.0
    # How often the SLA watch looks for alerts that came due (0: never by itself).
    sla_tick_seconds: float = 1.0
    # Where photo bytes live: "local" (data_dir/media) or "database" (any number of processes).
    media_store: str = "local"
    # Photos uploaded but never posted are removed after this long.
    unsent_upload_hours: float = 24.0
    # Card images: allow fetching product images from loopback/private addresses (tests).
    card_images_allow_private: bool = False
    # The event loop of `run`: "uvloop" (faster sockets and callbacks; the default where it is
    # installed) or "asyncio" (the standard library's, to compare or to rule uvloop out).
    event_loop: str = "uvloop"


def _load_dotenv(path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        values[key.strip()] = value.strip().strip("'\"")
    return values


def _secret_key(data_dir: Path) -> str:
    """Generated once into the data dir so visitor tokens survive restarts."""
    key_file = data_dir / "secret_key"
    if key_file.is_file():
        key = key_file.read_text(encoding="utf-8").strip()
        if key:
            return key
    key = secrets.token_urlsafe(48)
    key_file.write_text(key + "\n", encoding="utf-8")
    key_file.chmod(0o600)
    return key


def _parse_port(raw: str, name: str) -> int:
    try:
        port = int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a port number") from None
    if not 0 <= port <= 65535:
        raise ConfigError(f"{name}={raw!r} is out of range (0-65535)")
    return port


def _seconds(env: Mapping[str, str], name: str, default: str) -> float:
    raw = env.get(name) or default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a number") from None
    return value


def _positive_float(env: Mapping[str, str], name: str, default: str) -> float:
    value = _seconds(env, name, default)
    if not value > 0:
        raise ConfigError(f"{name} must be greater than 0")
    return value


def _non_negative_seconds(env: Mapping[str, str], name: str, default: str) -> float:
    value = _seconds(env, name, default)
    if value < 0:
        raise ConfigError(f"{name} must not be negative")
    return value


def load_settings(
    environ: Mapping[str, str] | None = None,
    *,
    host: str | None = None,
    port: int | None = None,
) -> Settings:
    env = dict(_load_dotenv(Path(".env")))
    env.update(os.environ if environ is None else environ)

    data_dir = Path(env.get("CHATSERVER_DATA_DIR") or "./data").expanduser().resolve()
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"CHATSERVER_DATA_DIR={data_dir} cannot be created: {exc}") from None

    database_url = env.get("DATABASE_URL") or f"sqlite+aiosqlite:///{data_dir / 'chatserver.db'}"
    if database_url.startswith(("postgres://", "postgresql://")):
        # The usual hosting form; the async driver is what we run on.
        database_url = "postgresql+asyncpg://" + database_url.split("://", 1)[1]
    if not database_url.startswith(_SUPPORTED_DATABASE_PREFIXES):
        raise ConfigError(
            f"DATABASE_URL={database_url!r} is not supported; "
            "use sqlite+aiosqlite:///PATH or postgresql+asyncpg://USER@HOST/DB"
        )

    redis_url = env.get("REDIS_URL") or None
    if redis_url is not None:
        scheme = urlsplit(redis_url).scheme
        if scheme not in ("redis", "rediss", "unix"):
            raise ConfigError(f"REDIS_URL={redis_url!r} must start with redis:// or rediss://")

    secret_key = env.get("SECRET_KEY") or _secret_key(data_dir)
    if len(secret_key) < 16:
        raise ConfigError("SECRET_KEY must be at least 16 characters long")

    media_store = env.get("CHATSERVER_MEDIA_STORE") or "local"
    if media_store not in ("local", "database"):
        raise ConfigError(f"CHATSERVER_MEDIA_STORE={media_store!r} must be local or database")

    event_loop = env.get("CHATSERVER_EVENT_LOOP") or "uvloop"
    if event_loop not in ("uvloop", "asyncio"):
        raise ConfigError(f"CHATSERVER_EVENT_LOOP={event_loop!r} must be uvloop or asyncio")

    grace = _non_negative_seconds(env, "CHATSERVER_AGENT_GRACE_SECONDS", "30")
    sla_tick = _non_negative_seconds(env, "CHATSERVER_SLA_TICK_SECONDS", "1")

    return Settings(
        data_dir=data_dir,
        database_url=database_url,
        redis_url=redis_url,
        secret_key=secret_key,
        host=host or env.get("HOST") or "127.0.0.1",
        port=port if port is not None else _parse_port(env.get("PORT") or "8080", "PORT"),
        agent_grace_seconds=grace,
        demo_shop=env.get("CHATSERVER_DEMO_SHOP") or "demo",
        redis_channel=env.get("CHATSERVER_REDIS_CHANNEL") or "chatserver",
        webhooks_allow_private=env.get("CHATSERVER_WEBHOOKS_ALLOW_PRIVATE", "") == "1",
        webhook_retry_seconds=_positive_float(env, "CHATSERVER_WEBHOOK_RETRY_SECONDS", "30"),
        webhook_give_up_seconds=_positive_float(env, "CHATSERVER_WEBHOOK_GIVE_UP_SECONDS", "86400"),
        webhook_poll_seconds=_positive_float(env, "CHATSERVER_WEBHOOK_POLL_SECONDS", "2"),
        sla_tick_seconds=sla_tick,
        media_store=media_store,
        unsent_upload_hours=_positive_float(env, "CHATSERVER_UNSENT_UPLOAD_HOURS", "24"),
        card_images_allow_private=env.get("CHATSERVER_CARD_IMAGES_ALLOW_PRIVATE", "") == "1",
        event_loop=event_loop,
    )
