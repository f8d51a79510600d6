"""The error type that every action raises for invalid input or a forbidden step."""

from __future__ import annotations

from typing import Any

from backend.i18n import gettext


class DomainError(Exception):
    """A rejected request: a stable code for programs and a message for people.

    `message` is an English gettext msgid with `{placeholders}` filled from `params`; `text`
    is its translation in the default locale (Russian). `field` names the input that was
    wrong and `value` repeats what was given, so a form can show the message beside the field
    and an API client can act on `code` alone.
    """

    status_code = 400

    def __init__(self, code: str, message: str, *, field: str | None = None, value: Any = None,
                 **params: Any) -> None:
        self.code = code
        self.message = message
        self.field = field
        self.value = value
        self.params = params
        super().__init__(self.text)

    @property
    def text(self) -> str:
        return gettext(self.message, **self.params)

    def to_problem(self) -> dict[str, Any]:
        """Render as RFC 9457 problem details with the field and value as extensions."""
        problem: dict[str, Any] = {"type": f"urn:domovoy:error:{self.code}", "title": self.text,
                                   "status": self.status_code, "code": self.code}
        if self.field is not None:
            problem["field"] = self.field
            problem["value"] = self.value if isinstance(self.value, (str, int, float, bool)) else repr(self.value)
        return problem


class NotFound(DomainError):
    status_code = 404


class Forbidden(DomainError):
    status_code = 403


class Conflict(DomainError):
    status_code = 409
