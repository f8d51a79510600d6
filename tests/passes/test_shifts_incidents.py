"""Guard shifts with handover notes, and the incident log with photos."""

from datetime import timedelta

import pytest

from backend.db.base import utcnow
from backend.domain.errors import DomainError
from backend.domain.guard.incidents import Photo, access_incident_photo, do_record_incident, list_incidents
from backend.domain.guard.posts import do_create_post
from backend.domain.guard.shifts import do_close_shift, do_open_shift, last_closed_shift, list_shifts
from backend.domain.staff.actions import principal_of

PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 32


async def test_shift_handover_reaches_next_guard(db, factory, site):
    guard = principal_of(site.guard)
    await do_open_shift(db, guard, site.post.id, "Ключи на месте")
    await do_close_shift(db, guard, "Сломан шлагбаум, вызван техник")
    await db.commit()

    previous = await last_closed_shift(db, site.post.id)

    assert previous.handover_note == "Сломан шлагбаум, вызван техник"
    assert previous.opening_note == "Ключи на месте"
    assert previous.guard_name == site.guard.full_name


async def test_opening_twice_returns_open_shift(db, site):
    guard = principal_of(site.guard)

    first = await do_open_shift(db, guard, site.post.id)
    second = await do_open_shift(db, guard, site.post.id)

    assert first.id == second.id


async def test_closing_needs_handover_note(db, site):
    guard = principal_of(site.guard)
    await do_open_shift(db, guard, site.post.id)

    with pytest.raises(DomainError) as raised:
        await do_close_shift(db, guard, "   ")

    assert raised.value.code == "handover_note_missing"


async def test_second_post_needs_closed_shift(db, factory, site):
    manager = await factory.user(role="building_manager", buildings=[site.building])
    other = await do_create_post(db, principal_of(manager), building_id=site.building.id, name="Паркинг")
    guard = principal_of(site.guard)
    await do_open_shift(db, guard, site.post.id)

    with pytest.raises(DomainError) as raised:
        await do_open_shift(db, guard, other.id)

    assert raised.value.code == "shift_already_open"


async def test_incident_with_photo_stored(db, site, tmp_path):
    guard = principal_of(site.guard)
    await do_open_shift(db, guard, site.post.id)

    incident = await do_record_incident(db, guard, tmp_path, text="Драка у входа",
                                        photo=Photo(PNG, "image/png"))
    await db.commit()
    path, content_type = await access_incident_photo(db, guard, tmp_path, incident.id)

    assert path.read_bytes() == PNG
    assert content_type == "image/png"
    assert incident.building_id == site.building.id


async def test_incident_needs_open_shift(db, site, tmp_path):
    with pytest.raises(DomainError) as raised:
        await do_record_incident(db, principal_of(site.guard), tmp_path, text="Шум")

    assert raised.value.code == "shift_not_open"


async def test_incident_photo_type_checked(db, site, tmp_path):
    guard = principal_of(site.guard)
    await do_open_shift(db, guard, site.post.id)

    with pytest.raises(DomainError) as raised:
        await do_record_incident(db, guard, tmp_path, text="Шум", photo=Photo(b"MZ", "application/x-msdownload"))

    assert raised.value.code == "photo_type_invalid"


async def test_incident_time_not_future(db, site, tmp_path):
    guard = principal_of(site.guard)
    await do_open_shift(db, guard, site.post.id)

    with pytest.raises(DomainError) as raised:
        await do_record_incident(db, guard, tmp_path, text="Шум", occurred_at=utcnow() + timedelta(hours=1))

    assert raised.value.code == "incident_time_future"


async def test_manager_sees_shifts_and_incidents(db, factory, site, tmp_path):
    guard = principal_of(site.guard)
    await do_open_shift(db, guard, site.post.id)
    await do_record_incident(db, guard, tmp_path, text="Открыта дверь подвала")
    await db.commit()
    manager = principal_of(await factory.user(role="building_manager", buildings=[site.building]))
    outsider = principal_of(await factory.user(role="building_manager", buildings=[await factory.building()]))

    assert [row.text for row in await list_incidents(db, manager)] == ["Открыта дверь подвала"]
    assert [row.post_name for row in await list_shifts(db, manager)] == ["КПП-1"]
    assert await list_incidents(db, outsider) == []
    assert await list_shifts(db, outsider) == []


async def test_guard_cannot_list_shifts(db, site):
    with pytest.raises(DomainError) as raised:
        await list_shifts(db, principal_of(site.guard))

    assert raised.value.code == "permission_denied"
