"""Sending click-to-call requests over the AMI connection the worker holds.

Each request is claimed in a committed transaction before its Originate is sent, and the AMI
client never re-sends an action, so a request rings the user's phone at most once.
"""

from __future__ import annotations

import asyncio

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.domain.calls.models import OriginateRequest
from backend.domain.calls.originate import do_claim_originates, do_finish_originate, do_note_action_id
from backend.domain.errors import DomainError
from backend.settings import Settings
from backend.telephony.ami import AmiClient, AmiNotConnected, OriginateTicket
from backend.telephony.ami import OriginateRequest as AmiOriginate
from backend.telephony.desk import CallDesk

log = structlog.get_logger(__name__)

RING_AGENT_SECONDS = 30.0  # how long the user's own phone rings before the attempt counts as unanswered


class ClickToCall:
    def __init__(self, session_factory: async_sessionmaker[AsyncSession], client: AmiClient, desk: CallDesk,
                 settings: Settings) -> None:
        self.session_factory = session_factory
        self.client = client
        self.desk = desk
        self.settings = settings
        self._waiting: set[asyncio.Task[None]] = set()

    async def send_pending(self) -> int:
        """Claim the pending requests, commit the claim, then send one Originate each; return how many."""
        async with self.session_factory() as session:
            claimed = await do_claim_originates(session)
            await session.commit()
        for request in claimed:
            self._send(request)
        return len(claimed)

    async def stop(self) -> None:
        for task in list(self._waiting):
            task.cancel()
        await asyncio.gather(*self._waiting, return_exceptions=True)

    def _send(self, request: OriginateRequest) -> None:
        try:
            originate = self._originate_of(request)
        except (KeyError, IndexError, ValueError) as error:
            log.error("originate_channel_template_invalid", request_id=request.id, error=repr(error),
                      hint="AMI_ORIGINATE_CHANNEL may contain only the {extension} placeholder")
            self._finish(request.id, "failed")
            return
        try:
            ticket = self.client.originate(originate)
        except AmiNotConnected:
            self._finish(request.id, "not_connected")
            return
        except DomainError as error:
            log.error("originate_invalid", request_id=request.id, code=error.code, field=error.field)
            self._finish(request.id, "failed")
            return
        # No event of the new call has reached the tracker yet: `originate` only wrote the action.
        self.desk.tracker.expect_originate(ticket.action_id, ticket.channel_id)
        self.desk.submit("originate_sent", lambda session: do_note_action_id(session, request.id, ticket.action_id))
        task = asyncio.create_task(self._await_result(request.id, ticket), name=f"originate-{request.id}")
        self._waiting.add(task)
        task.add_done_callback(self._waiting.discard)

    def _originate_of(self, request: OriginateRequest) -> AmiOriginate:
        return AmiOriginate(channel=self.settings.ami_originate_channel.format(extension=request.extension),
                            exten=request.number_e164, context=self.settings.ami_originate_context,
                            caller_id=f"<{request.number_e164}>", timeout_seconds=RING_AGENT_SECONDS)

    async def _await_result(self, request_id: int, ticket: OriginateTicket) -> None:
        result = await ticket.result
        self._finish(request_id, result.outcome)

    def _finish(self, request_id: int, outcome: str) -> None:
        self.desk.submit("originate_finished", lambda session: do_finish_originate(session, request_id, outcome))
