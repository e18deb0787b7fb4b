"""The web chat page in real headless Chromium at a phone's size: a whole conversation,
right-to-left Arabic, quick exit three ways, no trace, no outside requests, keyboard
use, zoom, accessibility, and replies that arrive while the connection is down."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
from playwright.async_api import Browser, Page, Route, WebSocketRoute, expect
from redis.asyncio import Redis

from bot.core.messages import Reply
from tests.browser.conftest import ARTIFACTS, Site, new_page

# Levels of axe-core findings that fail the test (WCAG 2.2 AA rules).
BLOCKING = {"serious", "critical"}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


async def open_chat(page: Page, site: Site) -> None:
    await page.goto(site.url + "/")
    await expect(page.locator(".options button").first).to_be_visible()


async def choose(page: Page, label: str) -> None:
    await page.get_by_role("button", name=label, exact=True).click()


async def until(condition: Callable[[], bool], seconds: float = 10) -> None:
    for _ in range(int(seconds * 20)):
        if condition():
            return
        await asyncio.sleep(0.05)
    pytest.fail("waited in vain")


async def conversation_keys(redis: Redis) -> list[bytes]:
    return [key async for key in redis.scan_iter(match="fristad:conv:*")]


async def until_no_conversation(redis: Redis) -> None:
    """The beacon that ends the conversation is on its way."""
    for _ in range(50):
        if not await conversation_keys(redis):
            return
        await asyncio.sleep(0.1)
    pytest.fail("the conversation was not ended on the server")


async def test_a_whole_conversation_to_the_atv_information(browser: Browser, site: Site) -> None:
    context, page = await new_page(browser)
    hosts: set[str] = set()
    page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))
    await open_chat(page, site)
    await expect(page.locator("html")).to_have_attribute("lang", "sv")
    for label in (
        "Ja, det är säkert",
        "Jag vill fortsätta",
        "Jag har använt våld",
        "ATV – Alternativ till våld",
    ):
        await choose(page, label)
    await expect(page.locator(".msg.bot").filter(has_text="ATV betyder Alternativ till våld")).to_be_visible()
    await expect(page.locator(".msg.you").last).to_have_text("Du: ATV – Alternativ till våld")
    # Free text too.
    await page.get_by_label("Skriv ett meddelande").fill("Hur anmäler jag till polisen?")
    await page.keyboard.press("Enter")
    await expect(page.locator(".msg.bot").filter(has_text="Du kan anmäla ett brott")).to_be_visible()
    # "I am in danger now" is on screen at every step, above the conversation.
    danger = page.get_by_role("button", name="Jag är i fara nu")
    await expect(danger).to_be_in_viewport()
    await danger.click()
    await expect(page.locator(".msg.bot").filter(has_text="Ring 112 nu")).to_be_visible()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / "chat-sv-390x844.png"))
    assert hosts == {urlsplit(site.url).netloc}, "the page asked another host for something"
    await context.close()


async def test_switching_to_arabic_turns_the_page_right_to_left(browser: Browser, site: Site) -> None:
    context, page = await new_page(browser)
    await open_chat(page, site)
    await page.get_by_label("Språk").select_option("ar")
    await expect(page.locator("html")).to_have_attribute("dir", "rtl")
    await expect(page.locator("html")).to_have_attribute("lang", "ar")
    last = page.locator(".msg.bot").last
    await expect(last).to_have_attribute("dir", "rtl")
    await expect(last).to_have_attribute("lang", "ar")
    await expect(page.locator("#send")).to_have_text("إرسال")
    await expect(page.locator("#quick-exit")).to_have_text("خروج سريع")
    # Right to left: the bot's bubbles start at the right edge.
    box = await last.bounding_box()
    assert box is not None
    assert box["x"] + box["width"] > 390 - 30
    await page.screenshot(path=str(ARTIFACTS / "chat-ar-390x844.png"))
    await context.close()


async def test_the_page_follows_the_browser_language(browser: Browser, site: Site) -> None:
    context, page = await new_page(browser, locale="fa-IR")
    await open_chat(page, site)
    await expect(page.locator("html")).to_have_attribute("dir", "rtl")
    await expect(page.locator(".msg.bot").first).to_have_attribute("lang", "fa")
    await context.close()


async def press_quick_exit(page: Page, how: str) -> None:
    if how == "click":
        await page.get_by_role("link", name="Lämna snabbt").click()
    elif how == "Enter after one Tab":
        await page.keyboard.press("Tab")
        assert await page.evaluate("document.activeElement.id") == "quick-exit", (
            "not the first focusable element"
        )
        await page.keyboard.press("Enter")
    else:
        for _ in range(3):
            await page.keyboard.press("Shift")


@pytest.mark.parametrize("how", ["click", "Enter after one Tab", "Shift three times"])
async def test_quick_exit_leaves_no_way_back_and_no_trace(
    how: str, browser: Browser, site: Site, neutral_site: str, redis: Redis
) -> None:
    context, page = await new_page(browser)
    await page.goto(neutral_site + "/before")
    await open_chat(page, site)
    if how != "Enter after one Tab":  # that one is tried on a page fresh from loading
        await choose(page, "Ja, det är säkert")
        await expect(page.locator(".msg.bot").filter(has_text="Om någon kommer")).to_be_visible()
    assert await conversation_keys(redis)

    await press_quick_exit(page, how)
    await page.wait_for_url(neutral_site + "/weather")
    await until_no_conversation(redis)

    await page.go_back()
    assert page.url == neutral_site + "/before", "Back must not show the chat"

    # Nothing of the chat is left in the browser.
    assert await context.cookies() == []
    await page.goto(site.url + "/healthz")
    stored = await page.evaluate(
        """async () => ({
            local: localStorage.length,
            session: sessionStorage.length,
            databases: (await indexedDB.databases()).length,
            cookie: document.cookie,
        })"""
    )
    assert stored == {"local": 0, "session": 0, "databases": 0, "cookie": ""}
    await context.close()


async def test_quick_exit_inside_the_municipalitys_frame_leaves_the_whole_page(
    browser: Browser, site: Site, neutral_site: str, redis: Redis
) -> None:
    context, page = await new_page(browser)
    await page.goto(neutral_site + "/before")
    await page.goto(f"{neutral_site}/host?chat={site.url}")
    chat = page.frame_locator("iframe")
    await expect(chat.locator(".options button").first).to_be_visible()
    await chat.get_by_role("link", name="Lämna snabbt").click()
    await page.wait_for_url(neutral_site + "/weather")
    await until_no_conversation(redis)
    await page.go_back()
    assert page.url == neutral_site + "/before", "Back must not show the page with the chat"
    await context.close()


async def test_capital_letters_do_not_trigger_quick_exit(browser: Browser, site: Site) -> None:
    context, page = await new_page(browser)
    await open_chat(page, site)
    await page.get_by_label("Skriv ett meddelande").press_sequentially("Hej Anna Och Bo")
    await page.wait_for_timeout(200)
    assert page.url == site.url + "/"
    await context.close()


async def test_danger_pressed_before_the_chat_has_started_gives_one_conversation(
    browser: Browser, site: Site, redis: Redis
) -> None:
    context, page = await new_page(browser)

    async def slowly(route: Route) -> None:
        await asyncio.sleep(0.5)  # a slow phone network
        await route.continue_()

    await page.route("**/api/v1/conversations", slowly)
    await page.goto(site.url + "/")
    await page.get_by_role("button", name="Jag är i fara nu").click()
    await expect(page.locator(".msg.bot").filter(has_text="Ring 112 nu")).to_be_visible()
    states = [key async for key in redis.scan_iter(match="fristad:conv:*:state")]
    assert len(states) == 1
    # The danger text is the last thing said: no safety check comes after it.
    await expect(page.locator(".msg.bot").last).to_contain_text("När du är i säkerhet")
    await context.close()


async def test_messages_sent_quickly_one_after_another_all_arrive(browser: Browser, site: Site) -> None:
    context, page = await new_page(browser)
    await open_chat(page, site)
    box = page.get_by_label("Skriv ett meddelande")
    for text in ("ja", "fortsätt", "polisen"):
        await box.fill(text)
        await box.press("Enter")
    await expect(page.locator(".msg.you")).to_have_count(3)
    await expect(page.locator(".msg.bot").filter(has_text="Du kan anmäla ett brott")).to_be_visible()
    await context.close()


async def test_the_chat_works_by_keyboard_alone(browser: Browser, site: Site) -> None:
    context, page = await new_page(browser)
    await open_chat(page, site)
    for _ in range(20):
        await page.keyboard.press("Tab")
        if await page.evaluate("document.activeElement.textContent") == "Ja, det är säkert":
            break
    else:
        pytest.fail("the first option cannot be reached with Tab")
    await page.keyboard.press("Enter")
    await expect(page.locator(".msg.bot").filter(has_text="Om någon kommer")).to_be_visible()
    # Focus moved to the new options: Enter goes on.
    assert await page.evaluate("document.activeElement.textContent") == "Jag vill fortsätta"
    await page.keyboard.press("Enter")
    await expect(page.locator(".msg.bot").filter(has_text="Vad passar bäst in på dig")).to_be_visible()
    await context.close()


async def test_at_200_percent_zoom_nothing_is_cut_off(browser: Browser, site: Site) -> None:
    # 200% zoom of a 390 px wide phone is a 195 px wide layout viewport.
    context, page = await new_page(browser, viewport={"width": 195, "height": 422})
    await open_chat(page, site)
    overflow = await page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"
    for name in ("Lämna snabbt", "Jag är i fara nu"):
        await expect(page.get_by_text(name, exact=True)).to_be_in_viewport()
    # Going back with Shift+Tab, nothing focused hides under the sticky bar (WCAG 2.4.11).
    await choose(page, "Ja, det är säkert")
    await choose(page, "Jag vill fortsätta")  # six options to go back through
    await page.get_by_label("Skriv ett meddelande").focus()
    bar_bottom = await page.evaluate("document.querySelector('.bar').getBoundingClientRect().bottom")
    for _ in range(8):
        await page.keyboard.press("Shift+Tab")
        if await page.evaluate("document.querySelector('.bar').contains(document.activeElement)"):
            break
        top = await page.evaluate("document.activeElement.getBoundingClientRect().top")
        name = await page.evaluate("document.activeElement.textContent")
        assert top >= bar_bottom, f"{name!r} is hidden under the bar"
    await context.close()


@pytest.mark.parametrize("language", ["sv", "ar"])
async def test_no_serious_accessibility_problems(
    language: str, browser: Browser, site: Site, axe_source: str
) -> None:
    context, page = await new_page(browser, locale=language)
    await open_chat(page, site)
    await choose(page, "Ja, det är säkert" if language == "sv" else "نعم، الوضع آمن")
    await expect(page.locator(".msg.bot")).to_have_count(3)
    await page.evaluate(axe_source)  # page.evaluate is not bound by the page's CSP
    results = await page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    problems = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in results["violations"]
        if v["impact"] in BLOCKING
    ]
    assert problems == []
    log = page.locator("#log")
    await expect(log).to_have_attribute("aria-live", "polite")
    await expect(log).to_have_attribute("role", "log")
    await context.close()


async def test_later_replies_arrive_and_none_is_lost_when_the_connection_drops(
    browser: Browser, site: Site, redis: Redis
) -> None:
    context, page = await new_page(browser)
    sockets: list[WebSocketRoute] = []

    def through(route: WebSocketRoute) -> None:
        route.connect_to_server()
        sockets.append(route)

    await page.route_web_socket("**/api/v1/events", through)
    await open_chat(page, site)
    chat = site.chat
    await until(lambda: len(sockets) == 1)
    (state_key,) = [key async for key in redis.scan_iter(match="fristad:conv:*:state")]
    key = state_key.decode().split("{")[1].split("}")[0]

    await chat.outbox.publish(key, Reply("Hej, jag heter Sara.", "sv", "ltr"))
    await expect(page.locator(".msg.bot").filter(has_text="Hej, jag heter Sara.")).to_have_count(1)

    await sockets[0].close(code=1011)  # the connection drops
    await chat.outbox.publish(key, Reply("Är du kvar?", "sv", "ltr"))
    await until(lambda: len(sockets) == 2)  # the page reconnected
    await expect(page.locator(".msg.bot").filter(has_text="Är du kvar?")).to_have_count(1)
    await expect(page.locator(".msg.bot").filter(has_text="Hej, jag heter Sara.")).to_have_count(1)
    await context.close()
