"""Live events about passes, published to everyone who may see the building.

They carry ids and the new status only, never names or plates: every staff member of the
building receives them, and a kiosk that needs details fetches them through the access checks.
"""

from __future__ import annotations

import msgspec


class PassEvent(msgspec.Struct, frozen=True, forbid_unknown_fields=True, tag_field="type"):
    pass_id: int
    number: int
    status: str
    entrance_id: int | None


class PassCreated(PassEvent, tag="pass.created"):
    pass


class PassCancelled(PassEvent, tag="pass.cancelled"):
    pass


class PassArrived(PassEvent, tag="pass.arrived"):
    visit_id: int


class PassDeparted(PassEvent, tag="pass.departed"):
    visit_id: int


PASS_EVENTS = (PassCreated, PassCancelled, PassArrived, PassDeparted)


def event_type(event: PassEvent) -> str:
    return type(event).__struct_config__.tag


def event_data(event: PassEvent) -> dict:
    """Return the envelope's `data`: the fields without the tag, which travels as the envelope's `type`."""
    data = msgspec.to_builtins(event)
    data.pop("type", None)
    return data
