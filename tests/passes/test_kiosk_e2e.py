"""In a real browser: a pass ordered by a concierge appears on the guard's kiosk live, and the guard
marks the arrival and the departure."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from backend.db.engine import create_engine, create_session_factory
from backend.domain.buildings.models import Premise
from backend.domain.guard.models import GuardPost
from backend.domain.guard.posts import do_create_post
from backend.domain.staff.actions import principal_of
from backend.domain.staff.models import User
from tests.conftest import signed_in_page

pytestmark = [pytest.mark.asyncio, pytest.mark.e2e]

VISITOR = "Живой Проверочный Гость"


async def guard_post_and_premise(database_url: str) -> tuple[int, int, str]:
    """Create a post in the demo guard's building; return its id, the building and a flat label there."""
    engine = create_engine(database_url)
    async with create_session_factory(engine)() as session:
        admin = await session.scalar(select(User).where(User.login == "admin"))
        guard = await session.scalar(select(User).where(User.login == "guard"))
        (building_id,) = guard.building_ids
        post = await session.scalar(select(GuardPost).where(GuardPost.building_id == building_id))
        if post is None:
            post = await do_create_post(session, principal_of(admin), building_id=building_id, name="Проходная")
        label = await session.scalar(select(Premise.label).where(Premise.building_id == building_id)
                                     .order_by(Premise.id).limit(1))
        await session.commit()
        post_id = post.id
    await engine.dispose()
    return post_id, building_id, label


async def test_concierge_pass_reaches_kiosk_live(browser, live_server, e2e_database_url):
    post_id, building_id, label = await guard_post_and_premise(e2e_database_url)
    guard = await signed_in_page(browser, live_server, "guard", viewport={"width": 1024, "height": 768},
                                 has_touch=True)
    await guard.goto(f"{live_server.base_url}/guard/")
    await guard.check(f"input[name=post][value='{post_id}']")
    await guard.click("button[type=submit]")
    await guard.wait_for_selector("#live-status[data-state=live]")
    await guard.wait_for_selector("#expected")
    reloads = []
    guard.on("framenavigated", lambda frame: reloads.append(frame.url))

    concierge = await signed_in_page(browser, live_server, "concierge")
    await concierge.goto(f"{live_server.base_url}/passes/new")
    await concierge.select_option("select[name=building_id]", str(building_id))
    await concierge.fill("input[name=premise_label]", label)
    await concierge.wait_for_selector("input[name=host]:checked")
    await concierge.fill("input[name=visitor_name]", VISITOR)
    await concierge.click("#pass-submit")
    await concierge.wait_for_url("**/passes/*")

    expected_row = guard.locator("#expected li", has_text=VISITOR)
    await expected_row.wait_for(timeout=5000)
    assert "fresh" in (await expected_row.get_attribute("class") or "")

    await guard.fill("#search", "Живой Пров")
    verdict = guard.locator("#result [data-verdict=allow]")
    await verdict.wait_for(timeout=5000)
    assert "Пропустить" in await verdict.text_content()
    box = await guard.locator("#result button.go").bounding_box()
    assert box["height"] >= 48

    await guard.click("#result button.go")
    await guard.locator("#result [data-verdict=inside]").wait_for(timeout=5000)
    on_site_row = guard.locator("#on-site li", has_text="Живой")
    await on_site_row.wait_for(timeout=5000)

    await on_site_row.locator("button").click()
    await on_site_row.wait_for(state="detached", timeout=5000)
    assert await guard.locator("#result [data-verdict=refuse]").count() == 1
    assert reloads == [], "the kiosk must not reload"

    await guard.evaluate("document.querySelector('#close-dialog').showModal()")
    await guard.fill("textarea[name=handover_note]", "Смена сдана")
    await guard.click("#close-dialog button[type=submit]")
    await guard.wait_for_selector("input[name=post]")
    await guard.context.close()
    await concierge.context.close()
