"""JSON API: the one search box."""

from __future__ import annotations

from litestar import Request, get
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.clients.search import RESULT_LIMIT, SearchHit, search
from backend.domain.staff.roles import Permission
from backend.web.guards import principal_of, requires


@get("/api/v1/search", guards=[requires(Permission.BUILDINGS_VIEW)], tags=["search"])
async def search_api(request: Request, db: AsyncSession, q: str = "", limit: int = RESULT_LIMIT) -> list[SearchHit]:
    """Clients and premises matching `q`: phone or its last digits, name or its prefix, organisation name,
    ИНН, e-mail, or an address with a premise number (`Часовая 19 кв 45`). Best matches first, limited to
    the caller's buildings; clients only for roles that may see personal data."""
    return await search(db, principal_of(request), q, limit=max(1, min(limit, 50)))
