"""Times on the kiosk, in the building's zone: «14:05» today, «05.12 14:05» on other days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from backend.db.base import utcnow
from backend.i18n import gettext


@dataclass(frozen=True)
class KioskClock:
    zone: ZoneInfo
    now: datetime

    @classmethod
    def for_zone(cls, zone_name: str) -> KioskClock:
        return cls(ZoneInfo(zone_name), utcnow())

    def __call__(self, moment: datetime | None) -> str:
        if moment is None:
            return ""
        local = moment.astimezone(self.zone)
        if local.date() == self.now.astimezone(self.zone).date():
            return local.strftime("%H:%M")
        return local.strftime("%d.%m %H:%M")

    def window(self, valid_from: datetime, valid_until: datetime | None) -> str:
        """Format a pass window, such as «22:00 – 05.12 02:00», or «from 04.12 09:00» when open-ended."""
        if valid_until is None:
            return gettext("from {time}", time=self(valid_from))
        return f"{self(valid_from)} – {self(valid_until)}"

    @property
    def today(self) -> str:
        return self.now.astimezone(self.zone).strftime("%d.%m.%Y")
