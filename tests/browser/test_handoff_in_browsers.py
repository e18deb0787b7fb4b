"""A help-seeker in one browser asks for a person; a caseworker in another logs in to the
console, takes the case, and they write to each other until the caseworker ends it."""

from __future__ import annotations

from playwright.async_api import Browser, expect
from redis.asyncio import Redis

from bot.adapters.accounts import Accounts
from tests.browser.conftest import ARTIFACTS, Site, new_page

PASSWORD = "correct horse battery"


async def test_a_help_seeker_and_a_caseworker_talk_in_real_browsers(
    browser: Browser, site: Site, redis: Redis
) -> None:
    await Accounts(redis).add("sara", PASSWORD, "caseworker", ("support",))
    person_context, person = await new_page(browser)
    staff_context, staff = await new_page(browser, viewport={"width": 1200, "height": 900})

    await person.goto(site.url + "/")
    await expect(person.locator(".options button").first).to_be_visible()
    await person.get_by_role("button", name="Prata med en person").first.click()
    await expect(person.locator(".msg.bot").filter(has_text="Du står nu i kö")).to_be_visible()
    # Then the place in the queue, or that nobody is there now: it depends on the hour
    # (tests/core/test_handoff.py checks both with a fixed clock).

    await staff.goto(site.url + "/console")
    await staff.get_by_label("Namn").fill("sara")
    await staff.get_by_label("Lösenord").fill(PASSWORD)
    await staff.get_by_role("button", name="Logga in").click()
    await expect(staff.get_by_role("heading", name="Relationsvåldsteamet")).to_be_visible()
    await staff.get_by_role("button", name="Ta ärendet").click()
    await expect(staff.get_by_role("heading", name="Ärende")).to_be_visible()

    await expect(person.locator(".msg.bot").filter(has_text="Nu skriver du med en person")).to_be_visible()
    await person.get_by_label("Skriv ett meddelande").fill("Hej, är det en människa?")
    await person.keyboard.press("Enter")
    await expect(staff.locator("#transcript")).to_contain_text("Hej, är det en människa?")

    await staff.get_by_label("Svar till personen (på Svenska)").fill("Ja, jag heter Sara. Jag finns här.")
    await staff.get_by_role("button", name="Skicka").click()
    await expect(person.locator(".msg.bot").filter(has_text="Ja, jag heter Sara.")).to_be_visible()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await staff.screenshot(path=str(ARTIFACTS / "console-case.png"))

    await staff.get_by_role("button", name="Avsluta samtalet").click()
    await expect(person.locator(".msg.bot").filter(has_text="har avslutat samtalet")).to_be_visible()
    await expect(person.locator(".options button").filter(has_text="Jag utsätts för våld")).to_be_visible()
    await person_context.close()
    await staff_context.close()
