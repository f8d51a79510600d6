"""A local Web Push service that speaks the real protocol, for tests.

It creates subscriptions as a browser's push service does: a P-256 key pair and an auth secret
each (RFC 8291). On each POST it checks what a real push service checks: the TTL header (RFC 8030)
and the VAPID token (RFC 8292), an ES256 JWT signed by the application server key of the
subscription, with the right audience and expiry. Then it decrypts the aes128gcm body with the
subscription's private key, as the browser does.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import time
from dataclasses import dataclass, field

import http_ece
import uvicorn
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

MAX_TOKEN_LIFETIME = 24 * 60 * 60  # seconds (RFC 8292 section 2)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Rejected(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass
class Subscription:
    token: str
    application_server_key: str
    private_key: ec.EllipticCurvePrivateKey
    auth_secret: bytes
    expired: bool = False
    """Set by a test: the push service then answers 410 Gone, as for a withdrawn subscription."""

    def public_key(self) -> str:
        point = self.private_key.public_key().public_bytes(serialization.Encoding.X962,
                                                           serialization.PublicFormat.UncompressedPoint)
        return b64url(point)


@dataclass
class Delivery:
    token: str
    payload: dict
    headers: dict[str, str]


@dataclass
class PushService:
    host: str = "127.0.0.1"
    port: int | None = None
    subscriptions: dict[str, Subscription] = field(default_factory=dict)
    deliveries: list[Delivery] = field(default_factory=list)
    rejections: list[str] = field(default_factory=list)
    arrived: asyncio.Condition = field(default_factory=asyncio.Condition)

    @property
    def origin(self) -> str:
        return f"http://{self.host}:{self.port}"

    def subscribe(self, application_server_key: str) -> dict:
        """Create a subscription as `pushManager.subscribe` does; return its `toJSON()` form."""
        token = b64url(os.urandom(12))
        subscription = Subscription(token, application_server_key, ec.generate_private_key(ec.SECP256R1()),
                                    os.urandom(16))
        self.subscriptions[token] = subscription
        return {"endpoint": f"{self.origin}/push/{token}",
                "keys": {"p256dh": subscription.public_key(), "auth": b64url(subscription.auth_secret)}}

    async def wait_for(self, count: int, timeout: float = 10.0) -> list[Delivery | str]:
        """Wait until `count` messages were delivered or rejected."""
        async with self.arrived:
            await asyncio.wait_for(self.arrived.wait_for(
                lambda: len(self.deliveries) + len(self.rejections) >= count), timeout)
        return [*self.deliveries, *self.rejections]

    def receive(self, token: str, headers: dict[str, str], body: bytes) -> Delivery:
        subscription = self.subscriptions.get(token)
        if subscription is None or subscription.expired:
            raise Rejected(410, "subscription gone")
        if not headers.get("ttl", "").isdigit():
            raise Rejected(400, "TTL header missing")
        if headers.get("content-encoding") != "aes128gcm":
            raise Rejected(415, "content encoding is not aes128gcm")
        self._check_vapid(subscription, headers.get("authorization", ""))
        plaintext = http_ece.decrypt(body, private_key=subscription.private_key, auth_secret=subscription.auth_secret,
                                     version="aes128gcm")
        return Delivery(token, json.loads(plaintext), headers)

    def _check_vapid(self, subscription: Subscription, authorization: str) -> None:
        scheme, _, params = authorization.partition(" ")
        fields = dict(part.strip().split("=", 1) for part in params.split(",") if "=" in part)
        if scheme.lower() != "vapid" or "t" not in fields or "k" not in fields:
            raise Rejected(401, "VAPID authorization missing")
        if fields["k"] != subscription.application_server_key:
            raise Rejected(403, "key differs from the subscription's application server key")
        claims = _verified_claims(fields["t"], fields["k"])
        now = time.time()
        if claims.get("aud") != self.origin:
            raise Rejected(403, f"audience {claims.get('aud')!r} is not {self.origin!r}")
        if not now < claims.get("exp", 0) <= now + MAX_TOKEN_LIFETIME:
            raise Rejected(403, "token expired or lives longer than 24 hours")
        if not str(claims.get("sub", "")).startswith(("mailto:", "https:")):
            raise Rejected(403, "subject is not a mailto: or https: contact")

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "lifespan":
            return await _lifespan(receive, send)
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {name.decode().lower(): value.decode() for name, value in scope["headers"]}
        token = scope["path"].removeprefix("/push/")
        try:
            self.deliveries.append(self.receive(token, headers, body))
            status = 201
        except Rejected as error:
            self.rejections.append(error.reason)
            status = error.status
        async with self.arrived:
            self.arrived.notify_all()
        await send({"type": "http.response.start", "status": status, "headers": [(b"content-length", b"0")]})
        await send({"type": "http.response.body", "body": b""})

    async def start(self) -> None:
        config = uvicorn.Config(self, host=self.host, port=0, log_config=None, access_log=False, lifespan="on")
        self.server = uvicorn.Server(config)
        self.task = asyncio.create_task(self.server.serve())
        while not self.server.started:
            if self.task.done():
                self.task.result()
            await asyncio.sleep(0.01)  # polls uvicorn's start-up flag; uvicorn offers no event for it
        self.port = self.server.servers[0].sockets[0].getsockname()[1]

    async def stop(self) -> None:
        self.server.should_exit = True
        await self.task


def _verified_claims(token: str, key: str) -> dict:
    """Check the JWT's ES256 signature with the VAPID public key `key`; return its claims."""
    try:
        header, payload, signature = token.split(".")
        if json.loads(unb64url(header)).get("alg") != "ES256":
            raise Rejected(403, "JWT algorithm is not ES256")
        raw = unb64url(signature)
        public_key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(key))
        der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
        public_key.verify(der, f"{header}.{payload}".encode(), ec.ECDSA(hashes.SHA256()))
        return json.loads(unb64url(payload))
    except (ValueError, InvalidSignature) as error:
        raise Rejected(403, f"JWT invalid: {type(error).__name__}") from None


async def _lifespan(receive, send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
