"""The AMI wire format: `Key: Value` lines ended by CRLF, and a blank line after each message.

A header may repeat (`ChanVariable`, `Variable`). Here a repeated header is a list value: the
encoder writes one line per item and the parser collects repeated keys into a list.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

EOL = "\r\n"
MESSAGE_END = b"\r\n\r\n"
BANNER = "Asterisk Call Manager/5.0.1" + EOL
"""The greeting of an Asterisk 16 manager; the version is that of the AMI, not of Asterisk."""

HeaderValue = str | list[str]
Header = tuple[str, str]


def header_lines(message: Mapping[str, Any]) -> list[Header]:
    """Flatten a message dict into header lines, one line per item of a list value."""
    lines: list[Header] = []
    for key, value in message.items():
        if isinstance(value, list):
            lines.extend((key, str(item)) for item in value)
        else:
            lines.append((key, str(value)))
    return lines


def capture_header_lines(event: Mapping[str, Any]) -> list[Header]:
    """Rebuild the wire order of a captured event: `Event`, `Privilege`, then the other headers.

    The captures store headers sorted by name with an empty `content` key (the body of a
    response, never used by events), so only the first two lines need moving.
    """
    first = {key: event[key] for key in ("Event", "Privilege") if key in event}
    rest = {key: value for key, value in event.items() if key not in first and key != "content"}
    return header_lines(first) + header_lines(rest)


def encode_message(lines: Iterable[Header]) -> bytes:
    text = "".join(f"{key}: {value}{EOL}" for key, value in lines) + EOL
    return text.encode("utf-8")


def parse_message(block: bytes | str) -> dict[str, HeaderValue]:
    """Parse one message (without its blank line) into a dict whose keys are lower-cased.

    AMI header names are case-insensitive, so a server must accept `ActionID` and `actionid`
    alike. Lines without `: ` are ignored, as Asterisk does.
    """
    text = block.decode("utf-8", errors="replace") if isinstance(block, bytes) else block
    message: dict[str, HeaderValue] = {}
    for line in text.split(EOL):
        key, separator, value = line.partition(": ")
        if not separator:
            key, separator, value = line.partition(":")
        if not separator or not key.strip():
            continue
        _add_header(message, key.strip().lower(), value.strip())
    return message


def _add_header(message: dict[str, HeaderValue], key: str, value: str) -> None:
    previous = message.get(key)
    if previous is None:
        message[key] = value
    elif isinstance(previous, list):
        previous.append(value)
    else:
        message[key] = [previous, value]
