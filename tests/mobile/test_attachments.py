"""Photos of a ticket: type checked by signature, size limited, stored under the data folder."""

from __future__ import annotations

from sqlalchemy import select

from backend.domain.tickets.attachments import MAX_ATTACHMENT_BYTES
from backend.domain.tickets.models import TicketAttachment
from tests.mobile.conftest import bearer
from tests.mobile.helpers import create_ticket, timeline_count
from tests.mobile.images import jpeg_signature, png


async def _upload(client, ticket_id: int, token: str, name: str, content: bytes, key: str | None = None):
    headers = bearer(token)
    if key:
        headers["Idempotency-Key"] = key
    return await client.post(f"/api/v1/tickets/{ticket_id}/attachments", files={"file": (name, content, "image/jpeg")},
                             headers=headers)


async def test_photo_stored_with_ticket(app_client, db, site, mobile_settings):
    ticket = await create_ticket(app_client, site, db=db)
    content = jpeg_signature()

    response = await _upload(app_client, ticket["id"], site["technician_token"], "IMG_0001.JPG", content)

    assert response.status_code == 201, response.text
    view = response.json()
    assert view["content_type"] == "image/jpeg"
    assert view["file_name"] == "IMG_0001.jpg"
    assert view["size_bytes"] == len(content)
    attachment = await db.get(TicketAttachment, view["id"])
    stored = mobile_settings.data_dir / "uploads" / attachment.storage_key
    assert stored.read_bytes() == content
    assert await timeline_count(db, ticket["id"], "attachment_added") == 1


async def test_type_comes_from_signature(app_client, db, site):
    ticket = await create_ticket(app_client, site, db=db)

    response = await _upload(app_client, ticket["id"], site["technician_token"], "photo.jpg", png())

    assert response.status_code == 201, response.text
    assert response.json()["content_type"] == "image/png"
    assert response.json()["file_name"] == "photo.png"


async def test_non_image_rejected(app_client, db, site):
    ticket = await create_ticket(app_client, site, db=db)

    response = await _upload(app_client, ticket["id"], site["technician_token"], "photo.jpg",
                             b"<html><script>alert(1)</script></html>")

    assert response.status_code == 400
    assert response.json()["code"] == "attachment_type_invalid"
    assert response.json()["field"] == "file"
    assert (await db.scalars(select(TicketAttachment))).all() == []


async def test_oversized_and_empty_rejected(app_client, db, site):
    ticket = await create_ticket(app_client, site, db=db)

    too_large = await _upload(app_client, ticket["id"], site["technician_token"], "big.jpg",
                              jpeg_signature(MAX_ATTACHMENT_BYTES + 1))
    empty = await _upload(app_client, ticket["id"], site["technician_token"], "empty.jpg", b"")

    assert too_large.status_code == 400
    assert too_large.json()["code"] == "attachment_too_large"
    assert empty.status_code == 400
    assert empty.json()["code"] == "attachment_empty"


async def test_upload_repeat_returns_first(app_client, db, site):
    ticket = await create_ticket(app_client, site, db=db)

    first = await _upload(app_client, ticket["id"], site["technician_token"], "a.jpg", jpeg_signature(), key="p-1")
    again = await _upload(app_client, ticket["id"], site["technician_token"], "a.jpg", jpeg_signature(), key="p-1")

    assert first.status_code == 201, first.text
    assert again.status_code == 200, again.text
    assert again.json()["id"] == first.json()["id"]
    assert len((await db.scalars(select(TicketAttachment))).all()) == 1


async def test_other_technician_cannot_upload(app_client, db, site, factory):
    ticket = await create_ticket(app_client, site, db=db)
    other_token = await factory.token(site["other_technician"])

    response = await _upload(app_client, ticket["id"], other_token, "a.jpg", jpeg_signature())

    assert response.status_code == 404


async def test_download_serves_stored_bytes(app_client, db, site):
    ticket = await create_ticket(app_client, site, db=db)
    content = png()
    view = (await _upload(app_client, ticket["id"], site["technician_token"], "p.png", content)).json()

    download = await app_client.get(view["url"], headers=bearer(site["dispatcher_token"]))
    listing = await app_client.get(f"/api/v1/tickets/{ticket['id']}/attachments",
                                   headers=bearer(site["dispatcher_token"]))

    assert download.status_code == 200
    assert download.content == content
    assert download.headers["content-type"] == "image/png"
    assert download.headers["x-content-type-options"] == "nosniff"
    assert [item["id"] for item in listing.json()] == [view["id"]]
