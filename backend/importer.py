"""The `domovoy import-buildings FILE` command: import and print a Russian report."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from backend.db.engine import create_engine, create_session_factory
from backend.domain.buildings.actions import ImportReport, do_import_registry
from backend.domain.buildings.registry import RegistryFileError, parse_registry
from backend.i18n import gettext as _
from backend.i18n import ngettext
from backend.runtime import database_url, load_settings, migrate


def import_buildings_file(path: Path) -> int:
    """Import `path`; exit status 0 when every row was used, 1 when some were skipped, 2 on a bad file."""
    settings = load_settings()
    url = database_url(settings)
    migrate(url)
    if not path.is_file():
        print(_("File not found: {path}", path=path), file=sys.stderr)
        return 2
    try:
        with path.open(encoding="utf-8-sig", newline="") as stream:
            parsed = parse_registry(stream)
    except RegistryFileError as error:
        print(_("The file was not imported: {reason}", reason=error.text), file=sys.stderr)
        return 2
    report = asyncio.run(_import(url, parsed))
    print_report(report)
    return 1 if report.rejected else 0


async def _import(url: str, parsed) -> ImportReport:
    engine = create_engine(url)
    try:
        async with create_session_factory(engine)() as session:
            report = await do_import_registry(session, parsed)
            await session.commit()
            return report
    finally:
        await engine.dispose()


def print_report(report: ImportReport) -> None:
    print(_("Buildings created: {created}, updated: {updated}, unchanged: {unchanged}.",
            created=len(report.created), updated=len(report.updated), unchanged=len(report.unchanged)))
    print(_("Unit maps created: {count}.", count=len(report.unit_maps_created)))
    for house_id in report.unit_maps_kept:
        print(_("Building {house_id}: the unit map was kept because it already has premises; "
                "the registry counts differ from it.", house_id=house_id))
    skipped_lines = {row.line for row in report.rejected}
    if skipped_lines:
        print(ngettext("{count} row was skipped:", "{count} rows were skipped:", len(skipped_lines)))
    for row in report.rejected:
        print(_("  line {line}, building {house_id}, field {field} = «{value}»: {reason}", line=row.line,
                house_id=row.house_id or "—", field=row.field or "—", value=row.value or "", reason=row.reason))
    for warning in report.warnings:
        print(_("  warning: line {line}, building {house_id}: {reason}", line=warning.line,
                house_id=warning.house_id or "—", reason=warning.reason))
