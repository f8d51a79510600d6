"""Web Push: messages encrypted for one browser (RFC 8291, aes128gcm) and signed with VAPID (RFC 8292).

The push service (FCM for Chrome, Mozilla's for Firefox, Apple's for Safari) sees only the
encrypted body; the browser decrypts it with the keys it created when it subscribed.
"""

from __future__ import annotations

import base64
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
import structlog
from cryptography.hazmat.primitives import serialization
from py_vapid import Vapid
from pywebpush import WebPusher

from backend.settings import Settings

log = structlog.get_logger(__name__)

VAPID_KEY_FILE = "vapid_private_key.pem"
TOKEN_LIFETIME = 12 * 60 * 60  # seconds; RFC 8292 allows at most 24 hours
SEND_TIMEOUT = 10.0  # seconds per request to the push service
MAX_TOPIC = 32  # characters of the Topic header (RFC 8030 section 5.4)


@dataclass(frozen=True)
class PushTarget:
    """Where one browser receives pushes: the endpoint and its keys, base64url as the browser gave them."""

    endpoint: str
    p256dh: str
    auth: str


@dataclass(frozen=True)
class PushResult:
    status_code: int

    @property
    def delivered(self) -> bool:
        return 200 <= self.status_code < 300

    @property
    def gone(self) -> bool:
        """The subscription expired or was withdrawn (404, 410): delete it."""
        return self.status_code in (404, 410)


def load_vapid(settings: Settings) -> Vapid | None:
    """Return the signing key: VAPID_PRIVATE_KEY, else (outside production) a key kept in the data folder.

    None in production without VAPID_PRIVATE_KEY: push is off, because web processes that each
    generated their own key would hand browsers keys that the worker cannot sign for.
    """
    if settings.vapid_private_key:
        return _vapid_from_text(settings.vapid_private_key)
    if settings.is_production:
        log.warning("push_disabled", reason="VAPID_PRIVATE_KEY is not set")
        return None
    key_file = settings.data_dir / VAPID_KEY_FILE
    if not key_file.exists():
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        vapid = Vapid()
        vapid.generate_keys()
        key_file.write_bytes(vapid.private_pem())
        key_file.chmod(0o600)
        log.info("vapid_key_generated", path=str(key_file))
    return Vapid.from_pem(key_file.read_bytes())


def _vapid_from_text(text: str) -> Vapid:
    text = text.strip()
    if text.startswith("-----BEGIN"):
        return Vapid.from_pem(text.encode())
    return Vapid.from_string(text)


def application_server_key(vapid: Vapid) -> str:
    """The public key a browser passes to `pushManager.subscribe` (uncompressed point, base64url)."""
    point = vapid.public_key.public_bytes(serialization.Encoding.X962,
                                          serialization.PublicFormat.UncompressedPoint)
    return base64.urlsafe_b64encode(point).rstrip(b"=").decode()


def vapid_authorization(vapid: Vapid, subject: str, endpoint: str) -> str:
    """The `Authorization: vapid t=<JWT>, k=<key>` header for one push service (the JWT audience is its origin)."""
    parts = urlsplit(endpoint)
    claims = {"aud": f"{parts.scheme}://{parts.netloc}", "exp": int(time.time()) + TOKEN_LIFETIME, "sub": subject}
    return vapid.sign(claims)["Authorization"]


def encrypt(target: PushTarget, payload: bytes) -> bytes:
    """Encrypt `payload` for the browser of `target` (aes128gcm with a fresh ephemeral key and salt)."""
    pusher = WebPusher({"endpoint": target.endpoint, "keys": {"p256dh": target.p256dh, "auth": target.auth}})
    return pusher.encode(payload, "aes128gcm")["body"]


class WebPushSender:
    """Sends encrypted, signed messages over one HTTP client."""

    def __init__(self, vapid: Vapid, subject: str, client: httpx.AsyncClient) -> None:
        self.vapid = vapid
        self.subject = subject
        self.client = client

    async def send(self, target: PushTarget, payload: bytes, *, ttl: int, urgency: str = "normal",
                   topic: str | None = None) -> PushResult:
        """POST one message (RFC 8030). `ttl` is in seconds; `topic` replaces an undelivered message with the same topic."""
        headers = {"TTL": str(ttl), "Urgency": urgency, "Content-Encoding": "aes128gcm",
                   "Content-Type": "application/octet-stream",
                   "Authorization": vapid_authorization(self.vapid, self.subject, target.endpoint)}
        if topic:
            headers["Topic"] = topic[:MAX_TOPIC]
        response = await self.client.post(target.endpoint, content=encrypt(target, payload), headers=headers,
                                          timeout=SEND_TIMEOUT)
        return PushResult(status_code=response.status_code)
