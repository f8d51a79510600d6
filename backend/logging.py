"""structlog configuration: JSON lines with an event name, ids and the request id."""

from __future__ import annotations

import logging
import sys

import structlog

SECRET_KEYS = frozenset({"password", "secret", "token", "secret_key", "ami_secret", "authorization"})


def _mask_secrets(_logger: object, _method: str, event: dict) -> dict:
    for key in SECRET_KEYS & event.keys():
        event[key] = "***"
    return event


def configure_logging(level: str = "info", json: bool = True) -> None:
    numeric_level = getattr(logging, level.upper())
    renderer = structlog.processors.JSONRenderer(ensure_ascii=False) if json else structlog.dev.ConsoleRenderer()
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            _mask_secrets,
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(numeric_level),
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
        cache_logger_on_first_use=False,
    )
    logging.basicConfig(level=max(numeric_level, logging.WARNING), stream=sys.stderr, format="%(message)s")
