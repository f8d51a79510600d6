"""The worker's telephony job: one AMI session for the whole deployment, calls stored as they finish.

Only the worker holding a PostgreSQL advisory lock tracks calls, so two workers never both
connect to Asterisk, store the same call or send the same click-to-call. The lock lives on a
dedicated connection, which also LISTENs for new click-to-call requests. When that connection
drops, the lock is gone, so the job stops its AMI session and starts over.
"""

from __future__ import annotations

import asyncio
import contextlib

import asyncpg
import msgspec
import structlog
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.db.urls import asyncpg_dsn
from backend.domain.calls.originate import NOTIFY_CHANNEL, do_abandon_sent_originates
from backend.settings import Settings
from backend.telephony.ami import AmiClient, AmiTiming
from backend.telephony.click_to_call import ClickToCall
from backend.telephony.desk import CallDesk

log = structlog.get_logger(__name__)

TELEPHONY_LOCK_ID = 0x63616C6C  # advisory lock key held by the worker that tracks calls ("call")
POLL_INTERVAL = 1.0  # seconds between checks for click-to-call requests when no NOTIFY arrives
RETRY_DELAY = 2.0  # seconds before trying the lock again, or reconnecting after a database error


class AmiAccount(msgspec.Struct, frozen=True, kw_only=True):
    host: str
    port: int
    username: str
    secret: str


def ami_account(settings: Settings) -> AmiAccount | None:
    """Return the AMI account from the settings; None turns telephony off."""
    if not settings.telephony_enabled:
        return None
    return AmiAccount(host=settings.ami_host, port=settings.ami_port, username=settings.ami_username,
                      secret=settings.ami_secret)


class TelephonyJob:
    """Start with `run()`; `active` is set while this job holds the lock and runs its AMI session."""

    def __init__(self, settings: Settings, session_factory: async_sessionmaker[AsyncSession], database_url: str,
                 account: AmiAccount, timing: AmiTiming = AmiTiming()) -> None:
        self.settings = settings
        self.session_factory = session_factory
        self.database_url = database_url
        self.account = account
        self.timing = timing
        self.active = asyncio.Event()
        self.desk: CallDesk | None = None
        self.client: AmiClient | None = None
        self._wake = asyncio.Event()

    async def run(self) -> None:
        """Track calls until cancelled, starting over after database errors and unexpected failures."""
        while True:
            try:
                await self._run_connected()
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, SQLAlchemyError) as error:
                log.warning("telephony_database_lost", error=type(error).__name__, retry_in=RETRY_DELAY)
            except Exception:  # noqa: BLE001 - calls must keep being tracked after a bug in one step
                log.exception("telephony_failed", retry_in=RETRY_DELAY)
            await asyncio.sleep(RETRY_DELAY)

    async def _run_connected(self) -> None:
        connection = await asyncpg.connect(asyncpg_dsn(self.database_url))
        try:
            await self._take_lock(connection)
            await connection.add_listener(NOTIFY_CHANNEL, self._on_notify)
            await self._abandon_previous_originates()
            await self._serve(connection)
        finally:
            with contextlib.suppress(OSError, asyncpg.InterfaceError):
                await connection.close()

    async def _take_lock(self, connection: asyncpg.Connection) -> None:
        waiting_logged = False
        while not await connection.fetchval("SELECT pg_try_advisory_lock($1)", TELEPHONY_LOCK_ID):
            if not waiting_logged:
                log.info("telephony_lock_busy", hint="another worker tracks calls; waiting to take over")
                waiting_logged = True
            await asyncio.sleep(RETRY_DELAY)

    async def _abandon_previous_originates(self) -> None:
        async with self.session_factory() as session:
            abandoned = await do_abandon_sent_originates(session)
            await session.commit()
        if abandoned:
            log.warning("originates_abandoned", count=abandoned)

    async def _serve(self, connection: asyncpg.Connection) -> None:
        desk = self.desk = CallDesk(self.session_factory)
        client = self.client = AmiClient(self.account.host, self.account.port, self.account.username,
                                         self.account.secret, on_event=desk.on_event, on_resync=desk.on_resync,
                                         timing=self.timing)
        click_to_call = ClickToCall(self.session_factory, client, desk, self.settings)
        writer = asyncio.create_task(desk.run(), name="call-desk")
        await client.start()
        self.active.set()
        log.info("telephony_started", host=self.account.host, port=self.account.port)
        try:
            await self._send_originates(connection, click_to_call)
        finally:
            self.active.clear()
            await client.stop()
            await click_to_call.stop()
            writer.cancel()
            await asyncio.gather(writer, return_exceptions=True)
            log.info("telephony_stopped")

    async def _send_originates(self, connection: asyncpg.Connection, click_to_call: ClickToCall) -> None:
        """Send click-to-call requests as they come; a failed keep-alive query ends the lock's session."""
        while True:
            self._wake.clear()
            await click_to_call.send_pending()
            try:
                await asyncio.wait_for(self._wake.wait(), POLL_INTERVAL)
            except TimeoutError:
                await connection.execute("SELECT 1")  # detects a dropped lock connection between wake-ups

    def _on_notify(self, *_args: object) -> None:
        self._wake.set()


async def run_telephony(settings: Settings, session_factory: async_sessionmaker[AsyncSession],
                        database_url: str) -> None:
    """Worker job: track calls when AMI is configured, replay demo calls when asked, else do nothing."""
    account = ami_account(settings)
    if account is None and settings.demo_calls:
        from backend.telephony.demo_calls import run_with_demo_calls

        await run_with_demo_calls(settings, session_factory, database_url)
        return
    if account is None:
        log.info("telephony_off", hint="set AMI_HOST, AMI_USERNAME and AMI_SECRET to track calls")
        return
    await TelephonyJob(settings, session_factory, database_url, account).run()
