"""Imports every area's models so that `Base.metadata` is complete for Alembic and tests."""

from backend.db.base import Base
from backend.domain.audit import models as audit_models  # noqa: F401
from backend.domain.buildings import models as buildings_models  # noqa: F401
from backend.domain.calls import models as calls_models  # noqa: F401
from backend.domain.clients import models as clients_models  # noqa: F401
from backend.domain.guard import models as guard_models  # noqa: F401
from backend.domain.passes import models as passes_models  # noqa: F401
from backend.domain.push import models as push_models  # noqa: F401
from backend.domain.reports import models as reports_models  # noqa: F401
from backend.domain.selections import models as selections_models  # noqa: F401
from backend.domain.staff import models as staff_models  # noqa: F401
from backend.domain.tickets import models as tickets_models  # noqa: F401
from backend.realtime import models as realtime_models  # noqa: F401

metadata = Base.metadata
