"""JSON API: a technician's work on a ticket: accepting it and attaching photos."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import File

from backend.api.tickets import _idempotency_key
from backend.domain.staff.roles import Permission
from backend.domain.tickets.acceptance import do_accept_once
from backend.domain.tickets.attachments import (AttachmentView, access_attachment, do_add_attachment_once,
                                                storage_path, ticket_attachments, view_of)
from backend.domain.tickets.detail import TicketDetail, ticket_detail
from backend.web.deps import Db
from backend.web.guards import principal_of, requires

UploadForm = Annotated[dict[str, UploadFile], Body(media_type=RequestEncodingType.MULTI_PART)]


def uploads_dir(request: Request) -> Path:
    return request.app.state.settings.data_dir / "uploads"


class TicketWorkApi(Controller):
    path = "/api/v1"
    guards = [requires(Permission.TICKETS_VIEW)]
    tags = ["tickets"]

    @post("/tickets/{ticket_id:int}/accept", status_code=200)
    async def accept(self, request: Request, db: Db, ticket_id: int) -> TicketDetail:
        """Accept an assigned ticket. Repeats with the same `Idempotency-Key` return the ticket unchanged."""
        principal = principal_of(request)
        await do_accept_once(db, principal, ticket_id, key=_idempotency_key(request))
        await db.commit()
        return await ticket_detail(db, principal, ticket_id)

    @post("/tickets/{ticket_id:int}/attachments", status_code=201)
    async def upload(self, request: Request, db: Db, ticket_id: int, data: UploadForm) -> Response[AttachmentView]:
        """Attach a photo (multipart field `file`: JPEG, PNG or WebP). A repeat of the key returns 200."""
        upload = data.get("file")
        content = await upload.read() if isinstance(upload, UploadFile) else b""
        file_name = upload.filename if isinstance(upload, UploadFile) else ""
        attachment, created = await do_add_attachment_once(db, principal_of(request), ticket_id, file_name, content,
                                                           uploads_dir(request), key=_idempotency_key(request))
        await db.commit()
        return Response(view_of(attachment), status_code=201 if created else 200)

    @get("/tickets/{ticket_id:int}/attachments")
    async def list_attachments(self, request: Request, db: Db, ticket_id: int) -> list[AttachmentView]:
        return await ticket_attachments(db, principal_of(request), ticket_id)

    @get("/attachments/{attachment_id:int}")
    async def download(self, request: Request, db: Db, attachment_id: int) -> File:
        """The file itself. Its content never changes, so browsers may keep it for a year."""
        attachment = await access_attachment(db, principal_of(request), attachment_id)
        return File(storage_path(uploads_dir(request), attachment.storage_key), filename=attachment.file_name,
                    media_type=attachment.content_type, content_disposition_type="inline",
                    headers={"Cache-Control": "private, max-age=31536000, immutable",
                             "X-Content-Type-Options": "nosniff"})
