"""CLI commands that manage users and API tokens."""

from __future__ import annotations

import asyncio
import sys

from backend.db.engine import create_engine, create_session_factory
from backend.domain.errors import DomainError
from backend.domain.staff.actions import do_create_api_token, do_create_user
from backend.i18n import gettext as _
from backend.runtime import database_url, load_settings, migrate


async def _in_session(url: str, action):
    engine = create_engine(url)
    try:
        async with create_session_factory(engine)() as session:
            result = await action(session)
            await session.commit()
            return result
    finally:
        await engine.dispose()


def _database() -> str:
    settings = load_settings()
    url = database_url(settings)
    migrate(url)
    return url


def create_user(login: str, role: str, full_name: str, password: str, building_ids: list[int],
                all_buildings: bool) -> int:
    url = _database()

    async def action(session):
        return await do_create_user(session, actor_id=None, login=login, full_name=full_name, role=role,
                                    password=password, building_ids=building_ids, all_buildings=all_buildings)

    try:
        user = asyncio.run(_in_session(url, action))
    except DomainError as error:
        print(f"{error.code}: {error.text}", file=sys.stderr)
        return 2
    print(_("User {login} created (id {id}).", login=user.login, id=user.id))
    return 0


def create_token(login: str, name: str) -> int:
    url = _database()
    try:
        token = asyncio.run(_in_session(url, lambda session: do_create_api_token(session, login, name)))
    except DomainError as error:
        print(f"{error.code}: {error.text}", file=sys.stderr)
        return 2
    print(token)
    return 0
