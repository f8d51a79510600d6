"""In a real browser: a ticket created on one board appears on another without a reload."""

from __future__ import annotations

import pytest

from tests.conftest import signed_in_page

pytestmark = [pytest.mark.asyncio, pytest.mark.e2e]


async def test_ticket_appears_on_second_board(browser, live_server):
    creator = await signed_in_page(browser, live_server, "dispatcher")
    watcher = await signed_in_page(browser, live_server, "dispatcher2")
    for page in (creator, watcher):
        await page.goto(f"{live_server.base_url}/board")
        await page.wait_for_selector("#live-status[data-state=live]")
    reloads = []
    watcher.on("framenavigated", lambda frame: reloads.append(frame.url))

    await creator.click("#open-create")
    await creator.select_option("#create-form select[name=building_id]", label="г. Москва, ул. Академическая Б., д. 9, к. 1")
    await creator.fill("input[name=premise_label]", "45")
    await creator.wait_for_function("document.querySelector('input[name=premise_id]').value !== ''")
    await creator.select_option("#create-form select[name=priority]", "emergency")
    await creator.fill("textarea[name=description]", "Прорвало трубу в квартире 45, вода на лестнице")
    await creator.click("#create-submit")

    row = watcher.locator(".row", has_text="Прорвало трубу в квартире 45")
    await row.wait_for(timeout=5000)
    assert "пом. 45" in await row.text_content()
    assert await row.get_attribute("class") == "row priority-emergency fresh"
    assert reloads == [], "the watching board must not reload"
    await creator.context.close()
    await watcher.context.close()


async def test_double_submit_creates_one_ticket(browser, live_server):
    page = await signed_in_page(browser, live_server, "dispatcher")
    await page.goto(f"{live_server.base_url}/board")
    await page.wait_for_selector("#live-status[data-state=live]")
    await page.click("#open-create")
    await page.select_option("#create-form select[name=building_id]", label="г. Москва, ул. Академическая Б., д. 9, к. 1")
    await page.fill("textarea[name=description]", "Двойной клик по кнопке создания")
    key = await page.input_value("input[name=idempotency_key]")
    await page.evaluate("""async (key) => {
        const form = document.getElementById('create-form');
        const body = JSON.stringify({building_id: Number(form.building_id.value), category_id: Number(form.category_id.value),
                                     description: form.description.value});
        const csrf = document.cookie.match(/csrftoken=([^;]+)/)[1];
        const send = () => fetch('/api/v1/tickets', {method: 'POST', body,
            headers: {'Content-Type': 'application/json', 'x-csrftoken': csrf, 'Idempotency-Key': key}});
        await Promise.all([send(), send()]);
    }""", key)
    await page.locator(".row", has_text="Двойной клик по кнопке создания").first.wait_for()
    assert await page.locator(".row", has_text="Двойной клик по кнопке создания").count() == 1
    await page.context.close()
