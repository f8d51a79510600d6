"""Photos attached to a ticket: checked by their bytes, kept under DOMOVOY_DATA_DIR/uploads.

The type is read from the file's signature (magic bytes), never from the name or the
Content-Type the browser sent, so a renamed file cannot pass as a photo.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from pathlib import Path

import msgspec
import structlog
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.errors import DomainError, NotFound
from backend.domain.staff.access import Principal
from backend.domain.staff.roles import Permission
from backend.domain.tickets.access import access_ticket
from backend.domain.tickets.actions import add_timeline, emit_ticket
from backend.domain.tickets.idempotency import ATTACHMENT, claim_key, set_key_object, used_key
from backend.domain.tickets.models import Ticket, TicketAttachment

log = structlog.get_logger(__name__)

MAX_ATTACHMENT_BYTES = 8 * 1024 * 1024
"""8 MiB: a full-size phone photo fits when the browser could not shrink it; a shrunk one is ~0.3 MiB."""
MAX_ATTACHMENTS_PER_TICKET = 50
MAX_FILE_NAME = 200  # characters, the column size

# (signature test, content type, file extension)
IMAGE_SIGNATURES = (
    (lambda head: head.startswith(b"\xff\xd8\xff"), "image/jpeg", "jpg"),
    (lambda head: head.startswith(b"\x89PNG\r\n\x1a\n"), "image/png", "png"),
    (lambda head: head[:4] == b"RIFF" and head[8:12] == b"WEBP", "image/webp", "webp"),
)


class AttachmentView(msgspec.Struct):
    id: int
    ticket_id: int
    file_name: str
    content_type: str
    size_bytes: int
    url: str


def view_of(attachment: TicketAttachment) -> AttachmentView:
    return AttachmentView(id=attachment.id, ticket_id=attachment.ticket_id, file_name=attachment.file_name,
                          content_type=attachment.content_type, size_bytes=attachment.size_bytes,
                          url=f"/api/v1/attachments/{attachment.id}")


def detect_image_type(content: bytes) -> tuple[str, str] | None:
    """Return (content type, extension) of a JPEG, PNG or WebP image, or None for anything else."""
    head = content[:16]
    for matches, content_type, extension in IMAGE_SIGNATURES:
        if matches(head):
            return content_type, extension
    return None


def check_upload(file_name: str, content: bytes) -> tuple[str, str]:
    """Validate a photo; return its content type and extension."""
    if not content:
        raise DomainError("attachment_empty", "The file is empty.", field="file", value=file_name)
    if len(content) > MAX_ATTACHMENT_BYTES:
        raise DomainError("attachment_too_large", "The file is larger than {limit} MB.", field="file",
                          value=len(content), limit=MAX_ATTACHMENT_BYTES // (1024 * 1024))
    detected = detect_image_type(content)
    if detected is None:
        raise DomainError("attachment_type_invalid", "Attach a photo in JPEG, PNG or WebP format.", field="file",
                          value=file_name)
    return detected


def clean_file_name(file_name: str, extension: str) -> str:
    """Keep the base name people recognise, without folders or control characters, with the real extension."""
    base = re.sub(r"[\x00-\x1f/\\]", "", Path(file_name or "").name).strip()
    stem = Path(base).stem[:MAX_FILE_NAME - 10] or "photo"
    return f"{stem}.{extension}"


def storage_path(uploads_dir: Path, storage_key: str) -> Path:
    return uploads_dir / storage_key


async def _check_room(session: AsyncSession, ticket: Ticket) -> None:
    count = await session.scalar(select(func.count()).where(TicketAttachment.ticket_id == ticket.id))
    if count >= MAX_ATTACHMENTS_PER_TICKET:
        raise DomainError("attachments_limit", "Ticket №{number} already has {limit} files.", field="file",
                          value=count, number=ticket.number, limit=MAX_ATTACHMENTS_PER_TICKET)


async def _write(path: Path, content: bytes) -> None:
    def write() -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)

    await asyncio.to_thread(write)


async def do_add_attachment(session: AsyncSession, principal: Principal, ticket_id: int, file_name: str,
                            content: bytes, uploads_dir: Path) -> TicketAttachment:
    """Store a photo with the ticket; the file is written before the caller commits.

    NOTE: if the caller's commit fails after this, the file stays on disk without a row; such
    files are unreachable and safe to delete.
    """
    ticket = await access_ticket(session, principal, ticket_id, Permission.TICKETS_WORK, for_update=True)
    content_type, extension = check_upload(file_name, content)
    await _check_room(session, ticket)
    storage_key = f"tickets/{ticket.id}/{uuid.uuid4().hex}.{extension}"
    await _write(storage_path(uploads_dir, storage_key), content)
    attachment = TicketAttachment(ticket_id=ticket.id, file_name=clean_file_name(file_name, extension),
                                  content_type=content_type, size_bytes=len(content), storage_key=storage_key,
                                  uploaded_by_id=principal.user_id)
    session.add(attachment)
    await session.flush()
    add_timeline(session, ticket, principal.user_id, "attachment_added", to_value=attachment.file_name,
                 attachment_id=attachment.id, content_type=content_type, size_bytes=len(content))
    await emit_ticket(session, ticket, "ticket.updated", fields=["attachments"])
    log.info("attachment_added", ticket_id=ticket.id, attachment_id=attachment.id, size_bytes=len(content))
    return attachment


async def do_add_attachment_once(session: AsyncSession, principal: Principal, ticket_id: int, file_name: str,
                                 content: bytes, uploads_dir: Path, *,
                                 key: str | None) -> tuple[TicketAttachment, bool]:
    """Add a photo unless `key` was used before; return the attachment and whether it is new."""
    if key is not None and not await claim_key(session, principal, key, ATTACHMENT, 0):
        record = await used_key(session, principal, key, ATTACHMENT)
        return await access_attachment(session, principal, record.object_id), False
    attachment = await do_add_attachment(session, principal, ticket_id, file_name, content, uploads_dir)
    if key is not None:
        await set_key_object(session, principal, key, attachment.id)
    return attachment, True


async def access_attachment(session: AsyncSession, principal: Principal, attachment_id: int) -> TicketAttachment:
    """Fetch an attachment of a ticket the user may see; NotFound otherwise."""
    attachment = await session.get(TicketAttachment, attachment_id)
    if attachment is None:
        raise NotFound("attachment_not_found", "File not found or not in your scope.", field="attachment_id",
                       value=attachment_id)
    await access_ticket(session, principal, attachment.ticket_id)
    return attachment


async def ticket_attachments(session: AsyncSession, principal: Principal, ticket_id: int) -> list[AttachmentView]:
    await access_ticket(session, principal, ticket_id)
    rows = await session.scalars(select(TicketAttachment).where(TicketAttachment.ticket_id == ticket_id)
                                 .order_by(TicketAttachment.created_at, TicketAttachment.id))
    return [view_of(attachment) for attachment in rows]
