"""Settings read from environment variables into one typed, validated object.

Every field's docstring is the documentation of its variable; `README.md` repeats the table.
Parsing happens once, in `Settings.from_env`, and raises `SettingsError` with a message that
says which variable to fix and how.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

ENVIRONMENTS = ("development", "production", "test")
MIN_SECRET_KEY_LENGTH = 32  # characters; shorter keys make session and CSRF tokens guessable


class SettingsError(Exception):
    """A setting is missing or invalid; the message names the variable and the fix."""


@dataclass(frozen=True)
class Settings:
    environment: str = "development"
    """DOMOVOY_ENV: `development` (default), `production` or `test`. Production refuses to start
    without SECRET_KEY and DATABASE_URL."""

    database_url: str | None = None
    """DATABASE_URL: PostgreSQL URL such as `postgresql://user:pass@host:5432/domovoy`. Unset means
    an embedded PostgreSQL with its data under DOMOVOY_DATA_DIR."""

    redis_url: str | None = None
    """REDIS_URL: Redis URL such as `redis://localhost:6379/0`. Unset means in-memory channels,
    which work only while web and worker run in one process (`domovoy run`)."""

    secret_key: str = ""
    """SECRET_KEY: at least 32 characters, signs CSRF tokens. Required in production; in
    development a key is generated once and kept in DOMOVOY_DATA_DIR/secret_key."""

    data_dir: Path = Path("var")
    """DOMOVOY_DATA_DIR: folder for the embedded database, uploads and the development key."""

    host: str = "127.0.0.1"
    """DOMOVOY_HOST: address the web server listens on."""

    port: int = 8000
    """DOMOVOY_PORT: TCP port the web server listens on."""

    demo_password: str | None = None
    """DOMOVOY_DEMO_PASSWORD: password of the demo staff accounts created on an empty database.
    Unset means a generated password, printed once."""

    log_level: str = "info"
    """DOMOVOY_LOG_LEVEL: debug, info, warning or error."""

    ticket_auto_close_days: int = 3
    """TICKET_AUTO_CLOSE_DAYS: days after completion when a ticket the client did not confirm is closed."""

    ami_host: str | None = None
    """AMI_HOST: Asterisk Manager Interface host. Unset turns telephony off."""

    ami_port: int = 5038
    """AMI_PORT: Asterisk Manager Interface TCP port."""

    ami_username: str | None = None
    """AMI_USERNAME: AMI user from Asterisk's manager.conf."""

    ami_secret: str | None = field(default=None, repr=False)
    """AMI_SECRET: that user's secret."""

    ami_originate_channel: str = "PJSIP/{extension}"
    """AMI_ORIGINATE_CHANNEL: the channel that click-to-call rings first; `{extension}` is the user's
    extension. Use `SIP/{extension}` for chan_sip phones."""

    ami_originate_context: str = "from-internal"
    """AMI_ORIGINATE_CONTEXT: dialplan context in which click-to-call dials the client's number, given in
    E.164 (`+79123456789`); the context must accept that form."""

    demo_calls: bool = False
    """DOMOVOY_DEMO_CALLS: `1` replays sample calls from an AMI simulator started in the worker, so that
    screen pops appear on the demo dispatchers' boards. Ignored when AMI_HOST is set."""

    vapid_private_key: str | None = field(default=None, repr=False)
    """VAPID_PRIVATE_KEY: the Web Push signing key (P-256) as PEM or base64url of the raw 32-byte key.
    Required in production for push notifications; in development a key is generated once and kept
    in DOMOVOY_DATA_DIR/vapid_private_key.pem. Changing it invalidates every device's subscription."""

    vapid_subject: str = "mailto:admin@localhost"
    """VAPID_SUBJECT: a `mailto:` or `https:` contact that push services use to reach the operator."""

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    @property
    def telephony_enabled(self) -> bool:
        return bool(self.ami_host and self.ami_username and self.ami_secret)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read and validate every variable; raise `SettingsError` naming the first bad one."""
        env = os.environ if env is None else env
        environment = _choice(env, "DOMOVOY_ENV", ENVIRONMENTS, "development")
        data_dir = Path(env.get("DOMOVOY_DATA_DIR") or "var").expanduser()
        settings = cls(
            environment=environment,
            database_url=_url(env, "DATABASE_URL", ("postgresql", "postgres", "postgresql+asyncpg")),
            redis_url=_url(env, "REDIS_URL", ("redis", "rediss", "unix")),
            secret_key=env.get("SECRET_KEY", ""),
            data_dir=data_dir,
            host=env.get("DOMOVOY_HOST") or "127.0.0.1",
            port=_port(env, "DOMOVOY_PORT", 8000),
            demo_password=env.get("DOMOVOY_DEMO_PASSWORD") or None,
            log_level=_choice(env, "DOMOVOY_LOG_LEVEL", ("debug", "info", "warning", "error"), "info"),
            ticket_auto_close_days=_positive(env, "TICKET_AUTO_CLOSE_DAYS", 3),
            ami_host=env.get("AMI_HOST") or None,
            ami_port=_port(env, "AMI_PORT", 5038),
            ami_username=env.get("AMI_USERNAME") or None,
            ami_secret=env.get("AMI_SECRET") or None,
            ami_originate_channel=env.get("AMI_ORIGINATE_CHANNEL") or "PJSIP/{extension}",
            ami_originate_context=env.get("AMI_ORIGINATE_CONTEXT") or "from-internal",
            demo_calls=_flag(env, "DOMOVOY_DEMO_CALLS"),
            vapid_private_key=env.get("VAPID_PRIVATE_KEY") or None,
            vapid_subject=env.get("VAPID_SUBJECT") or "mailto:admin@localhost",
        )
        settings._check_production()
        settings._check_secret_key()
        return settings

    def _check_production(self) -> None:
        if not self.is_production:
            return
        if not self.secret_key:
            raise SettingsError(
                "SECRET_KEY is missing. Production needs a fixed key shared by every process: "
                "generate one with `python -c 'import secrets; print(secrets.token_urlsafe(48))'` "
                "and set SECRET_KEY to it."
            )
        if not self.database_url:
            raise SettingsError("DATABASE_URL is missing. Production runs against a PostgreSQL server, "
                                "for example DATABASE_URL=postgresql://domovoy:secret@db:5432/domovoy.")

    def _check_secret_key(self) -> None:
        if self.secret_key and len(self.secret_key) < MIN_SECRET_KEY_LENGTH:
            raise SettingsError(f"SECRET_KEY is too short ({len(self.secret_key)} characters); "
                                f"use at least {MIN_SECRET_KEY_LENGTH}.")
        if self.ami_host and not (self.ami_username and self.ami_secret):
            raise SettingsError("AMI_HOST is set but AMI_USERNAME or AMI_SECRET is missing; "
                                "set both, or unset AMI_HOST to turn telephony off.")

    def with_development_secret(self) -> Settings:
        """Return settings whose key is the one kept in the data folder, created on first use.

        The key is stable across restarts and shared by every process using the same folder,
        so sessions and CSRF tokens stay valid; production never takes this path.
        """
        if self.secret_key or self.is_production:
            return self
        key_file = self.data_dir / "secret_key"
        if not key_file.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            key_file.write_text(secrets.token_urlsafe(48))
            key_file.chmod(0o600)
        return _replace(self, secret_key=key_file.read_text().strip())


def _replace(settings: Settings, **changes: object) -> Settings:
    from dataclasses import replace

    return replace(settings, **changes)


def _choice(env: Mapping[str, str], name: str, allowed: tuple[str, ...], default: str) -> str:
    value = (env.get(name) or default).strip().lower()
    if value not in allowed:
        raise SettingsError(f"{name}={value!r} is invalid; use one of: {', '.join(allowed)}.")
    return value


def _port(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if not raw:
        return default
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise SettingsError(f"{name}={raw!r} is invalid; use a TCP port number from 1 to 65535.")
    return int(raw)


def _positive(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if not raw:
        return default
    if not raw.isdigit() or int(raw) == 0:
        raise SettingsError(f"{name}={raw!r} is invalid; use a whole number greater than 0.")
    return int(raw)


def _flag(env: Mapping[str, str], name: str) -> bool:
    raw = (env.get(name) or "").strip().lower()
    if raw in ("", "0", "false", "no", "off"):
        return False
    if raw in ("1", "true", "yes", "on"):
        return True
    raise SettingsError(f"{name}={raw!r} is invalid; use 1 to turn it on or 0 to turn it off.")


def _url(env: Mapping[str, str], name: str, schemes: tuple[str, ...]) -> str | None:
    raw = (env.get(name) or "").strip()
    if not raw:
        return None
    scheme = raw.split("://", 1)[0] if "://" in raw else ""
    if scheme not in schemes:
        raise SettingsError(f"{name}={_mask(raw)!r} is invalid; it must start with "
                            f"{' or '.join(s + '://' for s in schemes)}.")
    return raw


def _mask(url: str) -> str:
    """Hide the password of a URL before it goes into a message."""
    if "@" not in url or "://" not in url:
        return url
    scheme, rest = url.split("://", 1)
    credentials, host = rest.rsplit("@", 1)
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}"
