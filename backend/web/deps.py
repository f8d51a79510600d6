"""Names of the dependencies that route handlers receive."""

from __future__ import annotations

from litestar.channels import ChannelsPlugin
from litestar.di import NamedDependency
from sqlalchemy.ext.asyncio import AsyncSession

Db = NamedDependency[AsyncSession]
"""The request's database session (see `backend.app.provide_db`)."""

Channels = NamedDependency[ChannelsPlugin]
