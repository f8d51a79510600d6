"""Staff use cases: users, sign-in with lock-out, sessions and API tokens."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta

import structlog
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.base import utcnow
from backend.domain.audit.actions import record_audit
from backend.domain.errors import Conflict, DomainError, NotFound
from backend.domain.staff.access import Principal
from backend.domain.staff.models import ApiToken, StaffSession, User, UserBuilding
from backend.domain.staff.passwords import hash_password, verify_password
from backend.domain.staff.roles import Role

log = structlog.get_logger(__name__)

MAX_FAILED_LOGINS = 5  # wrong passwords in a row before the account locks
LOCKOUT = timedelta(minutes=15)
SESSION_IDLE_TIMEOUT = timedelta(hours=12)  # a session unused this long expires
SESSION_REFRESH_INTERVAL = timedelta(minutes=1)  # how often last_seen_at is written, at most
MIN_PASSWORD_LENGTH = 8
LOGIN_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
EXTENSION_PATTERN = re.compile(r"^[0-9]{2,20}$")


def check_extension(extension: str | None) -> str | None:
    extension = (extension or "").strip()
    if extension and not EXTENSION_PATTERN.match(extension):
        raise DomainError("extension_invalid", "The extension must be 2 to 20 digits.", field="extension",
                          value=extension[:50])
    return extension or None


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def principal_of(user: User) -> Principal:
    return Principal(user_id=user.id, login=user.login, full_name=user.full_name, role=Role(user.role),
                     all_buildings=user.all_buildings, building_ids=user.building_ids,
                     extension=user.extension)


def check_login(login: str) -> str:
    login = login.strip().lower()
    if not LOGIN_PATTERN.match(login):
        raise DomainError("login_invalid", "Login: 2 to 64 characters, Latin letters, digits, dot, "
                          "hyphen or underscore.", field="login", value=login)
    return login


def check_role(role: str) -> Role:
    try:
        return Role(role)
    except ValueError:
        allowed = ", ".join(r.value for r in Role)
        raise DomainError("role_invalid", "Unknown role. Allowed roles: {allowed}.", field="role",
                          value=role, allowed=allowed) from None


MAX_FULL_NAME = 200  # characters, the column size
MAX_PASSWORD = 1024  # characters; longer input only costs hashing time


def check_full_name(full_name: str) -> str:
    full_name = (full_name or "").strip()
    if len(full_name) > MAX_FULL_NAME or "\x00" in full_name:
        raise DomainError("full_name_invalid", "The full name must be at most {limit} characters of text.",
                          field="full_name", value=full_name[:50], limit=MAX_FULL_NAME)
    return full_name


async def check_admin_remains(session: AsyncSession, user: User, role: Role, is_active: bool, actor_id: int) -> None:
    """Keep at least one active administrator, and keep admins from demoting or disabling themselves."""
    if user.role != Role.ADMIN or (role == Role.ADMIN and is_active):
        return
    if user.id == actor_id:
        raise DomainError("admin_self_demotion", "You cannot take away your own administrator rights or disable "
                          "your own account; ask another administrator.", field="role", value=role.value)
    others = await session.scalar(select(func.count(User.id)).where(User.role == Role.ADMIN, User.is_active,
                                                                     User.id != user.id))
    if not others:
        raise DomainError("last_admin", "This is the last active administrator; appoint another one first.",
                          field="role", value=role.value)


def check_password(password: str) -> str:
    if len(password) > MAX_PASSWORD:
        raise DomainError("password_too_long", "The password must be at most {length} characters long.",
                          field="password", value="***", length=MAX_PASSWORD)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError("password_too_short", "The password must be at least {length} characters long.", field="password", value="***",
                          length=MIN_PASSWORD_LENGTH)
    return password


async def do_create_user(session: AsyncSession, *, actor_id: int | None, login: str, full_name: str, role: str,
                         password: str, building_ids: list[int] = (), all_buildings: bool = False,
                         extension: str | None = None) -> User:
    login = check_login(login)
    if await session.scalar(select(User.id).where(User.login == login)) is not None:
        raise Conflict("login_taken", "A user with this login already exists.", field="login", value=login)
    user = User(login=login, full_name=check_full_name(full_name) or login, role=check_role(role).value,
                password_hash=hash_password(check_password(password)), all_buildings=all_buildings,
                extension=check_extension(extension), buildings=[UserBuilding(building_id=b) for b in set(building_ids)])
    session.add(user)
    await session.flush()
    record_audit(session, actor_id, "user.created", "user", user.id, login=login, role=user.role)
    log.info("user_created", user_id=user.id, role=user.role)
    return user


async def do_update_user(session: AsyncSession, user: User, *, actor_id: int, full_name: str, role: str,
                         building_ids: list[int], all_buildings: bool, is_active: bool,
                         extension: str | None, password: str | None = None) -> User:
    await check_admin_remains(session, user, check_role(role), is_active, actor_id)
    user.full_name = check_full_name(full_name) or user.login
    user.role = check_role(role).value
    user.all_buildings = all_buildings
    user.is_active = is_active
    user.extension = check_extension(extension)
    user.buildings = [UserBuilding(building_id=b) for b in sorted(set(building_ids))]
    if password:
        user.password_hash = hash_password(check_password(password))
        user.failed_logins = 0
        user.locked_until = None
    if not is_active:
        await session.execute(delete(StaffSession).where(StaffSession.user_id == user.id))
    record_audit(session, actor_id, "user.updated", "user", user.id, role=user.role, active=is_active)
    return user


async def authenticate(session: AsyncSession, login: str, password: str, now: datetime | None = None) -> User:
    """Check a login and password; count failures and lock the account after too many.

    The caller commits in both outcomes, so that failed attempts are counted.
    """
    now = now or utcnow()
    user = await session.scalar(select(User).where(User.login == login.strip().lower()).with_for_update())
    if user is not None and user.locked_until and user.locked_until > now:
        raise DomainError("account_locked", "Too many failed sign-in attempts. Try again in {minutes} min "
                          "or ask an administrator.",
                          field="login", value=login,
                          minutes=_minutes_left(user.locked_until, now))
    if not verify_password(user.password_hash if user else None, password) or not user.is_active:
        if user is not None:
            _count_failure(user, now)
            log.warning("sign_in_failed", user_id=user.id, failed_logins=user.failed_logins)
        raise DomainError("credentials_invalid", "Wrong login or password.", field="password", value="***")
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    return user


def _count_failure(user: User, now: datetime) -> None:
    user.failed_logins += 1
    if user.failed_logins >= MAX_FAILED_LOGINS:
        user.locked_until = now + LOCKOUT
        user.failed_logins = 0


def _minutes_left(until: datetime, now: datetime) -> int:
    return max(1, int((until - now).total_seconds() // 60) + 1)


async def do_start_session(session: AsyncSession, user: User, user_agent: str | None) -> str:
    """Create a server-side session; return the cookie value (only its digest is stored)."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(StaffSession(token_hash=token_digest(token), user_id=user.id, expires_at=now + SESSION_IDLE_TIMEOUT,
                             last_seen_at=now, user_agent=(user_agent or "")[:300]))
    record_audit(session, user.id, "user.signed_in", "user", user.id)
    return token


async def resolve_session(session: AsyncSession, token: str) -> Principal | None:
    """Return the session's user, sliding its expiry; None for an unknown or expired session."""
    now = utcnow()
    staff_session = await session.get(StaffSession, token_digest(token))
    if staff_session is None or staff_session.expires_at <= now:
        return None
    user = await session.get(User, staff_session.user_id)
    if user is None or not user.is_active:
        return None
    if now - staff_session.last_seen_at > SESSION_REFRESH_INTERVAL:
        staff_session.last_seen_at = now
        staff_session.expires_at = now + SESSION_IDLE_TIMEOUT
        await session.commit()
    return principal_of(user)


async def do_end_session(session: AsyncSession, token: str) -> None:
    await session.execute(delete(StaffSession).where(StaffSession.token_hash == token_digest(token)))


async def do_create_api_token(session: AsyncSession, login: str, name: str = "cli") -> str:
    """Create a personal API token for `login`; return its value, which is shown only once."""
    user = await session.scalar(select(User).where(User.login == login.strip().lower()))
    if user is None:
        raise NotFound("user_not_found", "User not found.", field="login", value=login)
    token = "dmv_" + secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, name=name, token_hash=token_digest(token)))
    record_audit(session, user.id, "api_token.created", "user", user.id, name=name)
    return token


async def resolve_api_token(session: AsyncSession, token: str) -> Principal | None:
    api_token = await session.scalar(select(ApiToken).where(ApiToken.token_hash == token_digest(token)))
    if api_token is None or api_token.revoked_at is not None:
        return None
    user = await session.get(User, api_token.user_id)
    if user is None or not user.is_active:
        return None
    return principal_of(user)
