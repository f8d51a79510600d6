"""Reading HTML forms with repeated fields (checkbox lists) intact."""

from __future__ import annotations

from litestar import Request
from litestar.datastructures import FormMultiDict


async def read_form(request: Request) -> FormMultiDict:
    return await request.form()
