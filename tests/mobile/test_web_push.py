"""Web Push of new assignments, end to end: subscribe, assign, and a push service that decrypts the message."""

from __future__ import annotations

import re

import httpx
import pytest
from sqlalchemy import select

from backend.domain.push.models import PushSubscription
from backend.i18n import gettext
from backend.integrations.push_notifications import PushDispatcher
from backend.integrations.webpush import WebPushSender, load_vapid
from backend.realtime.relay import OutboxRelay
from tests.factories import sign_in
from tests.mobile.conftest import bearer
from tests.mobile.helpers import create_ticket
from tests.mobile.push_service import PushService


@pytest.fixture
async def push_service():
    service = PushService()
    await service.start()
    yield service
    await service.stop()


async def _signed_in(live, login: str) -> httpx.AsyncClient:
    http = httpx.AsyncClient(base_url=live.base_url)
    await sign_in(http, login)
    return http


async def _subscribe(http: httpx.AsyncClient, subscription: dict) -> None:
    response = await http.post("/m/push/subscriptions", json=subscription,
                               headers={"x-csrftoken": http.cookies.get("csrftoken")})
    assert response.status_code == 204, response.text


async def _vapid_key(http: httpx.AsyncClient) -> str:
    page = await http.get("/m/")
    assert page.status_code == 200, page.text
    return re.search(r'data-vapid-key="([^"]+)"', page.text).group(1)


async def _assign(http: httpx.AsyncClient, site: dict, ticket_id: int) -> None:
    response = await http.post(f"/api/v1/tickets/{ticket_id}/assign", json={"assignee_id": site["technician"].id},
                               headers=bearer(site["dispatcher_token"]))
    assert response.status_code == 200, response.text


async def test_assignment_arrives_as_push(live, db, site, push_service):
    http = await _signed_in(live, site["technician"].login)
    await _subscribe(http, push_service.subscribe(await _vapid_key(http)))
    ticket = await create_ticket(http, site, db=db, priority="emergency", assign=False)

    await _assign(http, site, ticket["id"])
    deliveries = await push_service.wait_for(1)

    assert push_service.rejections == []
    delivery = deliveries[0]
    assert delivery.payload["title"] == gettext("New ticket №{number}", number=ticket["number"])
    assert delivery.payload["url"] == f"/m/tickets/{ticket['id']}"
    assert delivery.payload["tag"] == f"ticket-{ticket['id']}"
    assert ticket["building_address"] in delivery.payload["body"]
    assert delivery.headers["urgency"] == "high"
    assert delivery.headers["topic"] == f"ticket-{ticket['id']}"
    assert int(delivery.headers["ttl"]) > 0
    await http.aclose()


async def _dispatch_once(session_factory, database_url: str, settings) -> int:
    """Number the committed outbox events as the relay does, then run one dispatcher batch."""
    async def publish(_data: bytes, _channels: list[str]) -> None:
        return None

    await OutboxRelay(session_factory, database_url, publish).relay_batch()
    async with httpx.AsyncClient() as client:
        sender = WebPushSender(load_vapid(settings), settings.vapid_subject, client)
        return await PushDispatcher(session_factory, sender).dispatch_batch()


@pytest.fixture
async def signed_in_client(app_client, site):
    await sign_in(app_client, site["technician"].login)
    return app_client


async def test_gone_subscription_is_deleted(signed_in_client, db, site, push_service, session_factory,
                                            database_url, mobile_settings):
    http = signed_in_client
    subscription = push_service.subscribe(await _vapid_key(http))
    await _subscribe(http, subscription)
    push_service.subscriptions[subscription["endpoint"].rsplit("/", 1)[1]].expired = True
    ticket = await create_ticket(http, site, db=db, assign=False)
    await _dispatch_once(session_factory, database_url, mobile_settings)

    await _assign(http, site, ticket["id"])
    handled = await _dispatch_once(session_factory, database_url, mobile_settings)

    assert handled == 1
    assert push_service.rejections == ["subscription gone"]
    assert (await db.scalars(select(PushSubscription))).all() == []


async def test_foreign_key_signature_rejected(signed_in_client, db, site, push_service, session_factory,
                                              database_url, mobile_settings):
    http = signed_in_client
    other_key = push_service.subscribe("unused")["keys"]["p256dh"]
    await _subscribe(http, push_service.subscribe(other_key))
    ticket = await create_ticket(http, site, db=db, assign=False)
    await _dispatch_once(session_factory, database_url, mobile_settings)

    await _assign(http, site, ticket["id"])
    await _dispatch_once(session_factory, database_url, mobile_settings)

    assert push_service.deliveries == []
    assert push_service.rejections == ["key differs from the subscription's application server key"]
    subscription = (await db.scalars(select(PushSubscription))).one()
    assert subscription.failures == 1


async def test_dispatcher_skips_old_events(signed_in_client, db, site, push_service, session_factory,
                                           database_url, mobile_settings):
    http = signed_in_client
    await _subscribe(http, push_service.subscribe(await _vapid_key(http)))
    ticket = await create_ticket(http, site, db=db, assign=False)
    await _assign(http, site, ticket["id"])

    handled = await _dispatch_once(session_factory, database_url, mobile_settings)

    assert handled == 0
    assert push_service.deliveries == []


async def test_invalid_subscription_rejected(signed_in_client, db):
    http = signed_in_client

    response = await http.post("/m/push/subscriptions", json={"endpoint": "ftp://example.invalid/x",
                                                              "keys": {"p256dh": "AAAA", "auth": "AAAA"}},
                               headers={"x-csrftoken": http.cookies.get("csrftoken"), "Accept": "application/json"})

    assert response.status_code == 400
    assert response.json()["code"] == "push_endpoint_invalid"
    assert (await db.scalars(select(PushSubscription))).all() == []
