"""The admin pages in real headless Chromium, as an admin would see them: the flow editor's
check, line jumps and diagram as one types, the texts table, the preview chat against the
draft, publishing and rolling back (seen in the help-seeker's web chat), the refusal a
caseworker gets, and axe-core on every editor."""

from __future__ import annotations

import re

from playwright.async_api import Browser, BrowserContext, Page, Route, expect
from redis.asyncio import Redis

from bot.adapters.accounts import Accounts
from bot.adapters.admin import ADMIN, editing
from tests.browser.conftest import ARTIFACTS, Site, new_page

PASSWORD = "correct horse battery"
DESKTOP = {"width": 1280, "height": 900}
# Levels of axe-core findings that fail the test (WCAG 2.2 AA rules), as for the web chat.
BLOCKING = {"serious", "critical"}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
WELCOME_SV = "Hej! Här kan du chatta anonymt och få veta vilken hjälp som finns."
WELCOME_EN = "Hi! Here you can chat anonymously"
NEW_WELCOME = "Välkommen till Fristad. Här kan du chatta anonymt, utan att säga vem du är."
SECOND_WELCOME = "Hej och välkommen. Du är anonym här och bestämmer själv vad du berättar."
CHECK = "**/admin/api/flows/main.yaml/check"  # the flow editor's check as one types


async def log_in(
    browser: Browser, site: Site, redis: Redis, role: str = "admin"
) -> tuple[BrowserContext, Page]:
    """A staff member of that role, logged in through the console's form in a wide window."""
    name = {"admin": "anna", "caseworker": "sara"}[role]
    await Accounts(redis).add(name, PASSWORD, role, () if role == "admin" else ("support",))
    context, page = await new_page(browser, viewport=DESKTOP)
    await page.goto(site.url + "/console/login")
    await page.get_by_label("Namn").fill(name)
    await page.get_by_label("Lösenord").fill(PASSWORD)
    await page.get_by_role("button", name="Logga in").click()
    await page.wait_for_url(site.url + "/console")
    return context, page


async def assert_accessible(page: Page, axe_source: str) -> None:
    await page.evaluate(axe_source)  # page.evaluate is not bound by the page's CSP
    results = await page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    problems = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:5]}"
        for v in results["violations"]
        if v["impact"] in BLOCKING
    ]
    assert problems == [], f"{page.url}: {problems}"


async def set_draft_message(site: Site, language: str, message_id: str, text: str) -> None:
    """Another admin's change to the shared draft, made without a browser."""
    admin = site.app[ADMIN]
    draft = await admin.draft()
    await admin.versions.save_draft(
        editing.set_messages(draft.files, language, {message_id: text}), draft.revision
    )


async def web_chat_welcome(browser: Browser, site: Site) -> str:
    """What a help-seeker who opens the web chat now reads first."""
    context, page = await new_page(browser)
    await page.goto(site.url + "/")
    first = page.locator(".msg.bot").first
    await expect(first).to_be_visible()
    text = await first.inner_text()
    await context.close()
    return text


def line_at(text: str, offset: int) -> int:
    return text[:offset].count("\n") + 1


async def test_the_flow_editor_checks_jumps_to_lines_and_redraws_the_diagram(
    browser: Browser, site: Site, redis: Redis, axe_source: str
) -> None:
    context, page = await log_in(browser, site, redis)
    await page.goto(site.url + "/admin")
    await page.get_by_role("link", name="main.yaml").click()
    await expect(page.get_by_role("heading", name="Flöde: main.yaml")).to_be_visible()
    problems = page.locator(".problems")
    diagram = page.locator(".diagram-box svg")
    await expect(problems).to_have_text("Inga fel.")
    await expect(diagram.locator("g[data-state=welcome]")).to_have_count(1)
    await expect(diagram.locator("g[data-state=not_safe]")).to_have_count(1)
    yaml = page.locator("#yaml")
    shipped = await yaml.input_value()
    await expect(page.locator(".gutter")).to_contain_text(f"\n{shipped.count(chr(10)) + 1}")
    await assert_accessible(page, axe_source)

    # A transition to a state that does not exist: the problem, on its line.
    broken = shipped.replace("goto: not_safe", "goto: nowhere", 1)
    wrong_line = line_at(broken, broken.index("goto: nowhere"))
    await yaml.fill(broken)
    await expect(page.locator(".status")).to_have_text("Inte sparat")
    problem = problems.locator("li").filter(has_text="leads to the unknown state 'nowhere'")
    await expect(problem).to_contain_text("states.welcome.options[1].goto")
    await expect(problems.locator("li").filter(has_text="states.not_safe: is unreachable")).to_be_visible()
    await problem.get_by_role("button", name=f"rad {wrong_line}").click()
    await expect(yaml).to_be_focused()
    start, end = await yaml.evaluate("area => [area.selectionStart, area.selectionEnd]")
    assert line_at(broken, start) == wrong_line
    assert broken[start:end].strip() == "goto: nowhere"
    # The line shown is in view, and the line numbers beside it scrolled along.
    scrolled = await yaml.evaluate("area => area.scrollTop")
    assert scrolled > 0
    await page.wait_for_function(
        "() => Math.abs(document.querySelector('.gutter').scrollTop"
        " - document.querySelector('#yaml').scrollTop) < 2"
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / "admin-flow.png"))

    # YAML that cannot be read: the problem on its line, and a word that the diagram is old.
    unreadable = shipped.replace("\n  safe:\n", "\n  safe\n", 1)
    await yaml.fill(unreadable)
    await expect(problems).to_contain_text("YAML syntax error")
    bad_line = line_at(unreadable, unreadable.index("\n  safe\n") + 1) + 1  # found at the line after
    await expect(problems.get_by_role("button", name=f"rad {bad_line}")).to_be_visible()
    await expect(page.locator(".diagram-note")).to_be_visible()

    # A state renamed: the diagram follows, and the problems are gone; also when the
    # answer about an earlier text (held back here) comes after the one about this text.
    held: list[Route] = []

    async def hold_the_first(route: Route) -> None:
        if held:
            await route.continue_()
        else:
            held.append(route)

    await page.route(CHECK, hold_the_first)
    async with page.expect_request(CHECK):
        await yaml.fill(broken)
    renamed = re.sub(r"\bnot_safe\b", "not_safe_yet", shipped)
    await yaml.fill(renamed)
    await expect(diagram.locator("g[data-state=not_safe_yet]")).to_have_count(1)
    await expect(diagram.locator("g[data-state=not_safe]")).to_have_count(0)
    await expect(problems).to_have_text("Inga fel.")
    await expect(page.locator(".diagram-note")).to_be_hidden()
    async with page.expect_response(CHECK) as late:
        await held[0].continue_()
    await (await late.value).finished()
    await page.unroute(CHECK)
    await expect(problems).to_have_text("Inga fel.")
    await expect(diagram.locator("g[data-state=not_safe_yet]")).to_have_count(1)
    await page.get_by_role("button", name="Spara i utkastet").click()
    await expect(page.locator(".status")).to_have_text("Sparat i utkastet.")

    # Saved in the shared draft: there after a reload, and listed as changed.
    await page.reload()
    assert await yaml.input_value() == renamed
    await page.goto(site.url + "/admin")
    await expect(page.locator("#changed")).to_contain_text("flows/main.yaml")
    await context.close()


async def test_texts_are_checked_as_typed_saved_and_outdated_translations_shown(
    browser: Browser, site: Site, redis: Redis, axe_source: str
) -> None:
    context, page = await log_in(browser, site, redis)
    await page.goto(site.url + "/admin/texts/en")
    row = page.locator("tr[data-id=welcome]")
    area = row.get_by_role("textbox")
    problem = row.locator(".problem")
    await expect(row.locator(".reference")).to_contain_text(WELCOME_SV)
    await area.fill("Hello { $x")
    await expect(problem).to_contain_text("Fluent")
    await expect(row).to_have_class(re.compile(r"\binvalid\b"))
    await area.fill("Hello { $x }")  # good Fluent, but Swedish has no variable here
    await expect(problem).to_contain_text("variablerna ska vara desamma som på svenska")
    await area.fill("Welcome to Fristad. You can chat here without saying who you are.")
    await expect(problem).to_be_empty()
    await expect(row).not_to_have_class(re.compile(r"\binvalid\b"))
    await expect(page.locator(".status")).to_have_text("1 ändrad, inte sparad")
    # Every text can be read whole, without scrolling inside its box.
    assert (
        await page.evaluate(
            "() => [...document.querySelectorAll('table.texts textarea')]"
            ".filter(area => area.scrollHeight > area.clientHeight + 1).map(area => area.ariaLabel)"
        )
        == []
    )
    await assert_accessible(page, axe_source)
    await page.screenshot(path=str(ARTIFACTS / "admin-texts.png"))
    await page.get_by_role("button", name="Spara ändringarna i utkastet").click()
    await expect(page.locator(".status")).to_have_text("Sparat i utkastet.")
    await page.reload()
    await expect(area).to_have_value("Welcome to Fristad. You can chat here without saying who you are.")

    # The Swedish text changes: every translation of it is now outdated.
    await page.goto(site.url + "/admin/texts/sv")
    await page.locator("tr[data-id=welcome]").get_by_role("textbox").fill(NEW_WELCOME)
    await page.get_by_role("button", name="Spara ändringarna i utkastet").click()
    await expect(page.locator(".status")).to_have_text("Sparat i utkastet.")
    await page.goto(site.url + "/admin")
    coverage = page.locator("table.coverage tbody tr")
    await expect(coverage).to_have_count(7)
    for language in ("sv", "ar", "en", "fa", "fi", "pl", "uk"):
        cells = coverage.and_(page.locator(f"[data-language={language}]")).locator("td")
        await expect(cells.nth(2)).to_have_text("0")
        await expect(cells.nth(3)).to_have_text("0" if language == "sv" else "1")
    await expect(page.locator("#changed")).to_contain_text("locales/sv/main.ftl")

    # The English page, showing only what needs work, shows just that message.
    await coverage.and_(page.locator("[data-language=en]")).get_by_role("link", name="Redigera").click()
    await page.get_by_label("Visa bara saknade och inaktuella").check()
    visible = page.locator("table.texts tbody tr:visible")
    await expect(visible).to_have_count(1)
    await expect(visible).to_have_attribute("data-id", "welcome")
    await expect(visible.locator(".badge")).to_have_text("inaktuell")
    await visible.get_by_role("textbox").fill("Welcome to Fristad. You can chat here anonymously.")
    await page.get_by_role("button", name="Spara ändringarna i utkastet").click()
    await expect(page.locator(".status")).to_have_text("Sparat i utkastet.")
    await expect(visible.locator(".badge")).to_have_count(0)
    await context.close()


async def test_the_preview_talks_with_the_draft(
    browser: Browser, site: Site, redis: Redis, axe_source: str
) -> None:
    context, page = await log_in(browser, site, redis)
    await set_draft_message(site, "sv", "welcome", NEW_WELCOME)
    await page.goto(site.url + "/admin/preview")
    said = page.locator(".preview-log li")
    await expect(said.first).to_have_text(f"Fristad: {NEW_WELCOME}")  # the speaker for screen readers
    await expect(page.locator("code[data-state]")).to_have_text("welcome")
    await page.get_by_role("button", name="Ja, det är säkert").click()
    await expect(page.locator("code[data-state]")).to_have_text("safe")
    await expect(said.nth(2)).to_have_text("Du: Ja, det är säkert")
    await expect(said.filter(has_text="Om någon kommer kan du lämna snabbt")).to_be_visible()
    await expect(page.get_by_role("button", name="Jag vill fortsätta")).to_be_visible()
    # Free text too.
    await page.get_by_label("Skriv").fill("Jag är i fara")
    await page.get_by_role("button", name="Skicka").click()
    await expect(said.filter(has_text="Ring 112 nu")).to_be_visible()
    await assert_accessible(page, axe_source)
    await page.screenshot(path=str(ARTIFACTS / "admin-preview.png"))

    await page.get_by_label("Språk").select_option("en")
    await expect(said.first).to_contain_text(WELCOME_EN)
    await expect(said.first).to_have_attribute("lang", "en")
    await expect(page.locator("code[data-state]")).to_have_text("welcome")
    await expect(page.get_by_role("button", name="Yes, it is safe")).to_be_visible()
    await context.close()


async def publish(page: Page, note: str) -> None:
    await page.get_by_label("Vad har ändrats?").fill(note)
    await page.get_by_role("button", name="Publicera utkastet").click()


async def test_publishing_and_rolling_back_change_what_help_seekers_read(
    browser: Browser, site: Site, redis: Redis, axe_source: str
) -> None:
    context, page = await log_in(browser, site, redis)
    assert WELCOME_SV in await web_chat_welcome(browser, site)
    await page.goto(site.url + "/admin")
    await expect(page.locator("#running")).to_have_text("de levererade filerna")
    await assert_accessible(page, axe_source)

    await set_draft_message(site, "sv", "welcome", NEW_WELCOME)
    await page.reload()
    await publish(page, "Ny välkomsttext")
    await expect(page.get_by_role("status")).to_contain_text("Version 1 är nu aktuell")
    await expect(page.locator("#running")).to_have_text("version 1")
    await expect(page.locator("table.history")).to_contain_text("Ny välkomsttext")
    assert NEW_WELCOME in await web_chat_welcome(browser, site)

    await set_draft_message(site, "sv", "welcome", SECOND_WELCOME)
    await page.goto(site.url + "/admin")
    await publish(page, "Kortare välkomsttext")
    await expect(page.get_by_role("status")).to_contain_text("Version 2 är nu aktuell")
    assert SECOND_WELCOME in await web_chat_welcome(browser, site)

    # One click back to version 1.
    await page.get_by_role("button", name="Gör version 1 aktuell").click()
    await expect(page.get_by_role("status")).to_contain_text("Version 1 är nu aktuell")
    await expect(page.locator("#running")).to_have_text("version 1")
    await expect(page.get_by_role("button", name="Gör version 2 aktuell")).to_be_visible()
    assert NEW_WELCOME in await web_chat_welcome(browser, site)

    # A broken draft (saved in the flow editor, as in the first test) cannot be published.
    admin = site.app[ADMIN]
    draft = await admin.draft()
    flow = draft.files["flows/main.yaml"].replace("goto: not_safe", "goto: nowhere", 1)
    await admin.versions.save_draft({**draft.files, "flows/main.yaml": flow}, draft.revision)
    await page.goto(site.url + "/admin")
    await expect(page.get_by_role("button", name="Publicera utkastet")).to_be_disabled()
    await expect(page.locator("#problems")).to_contain_text("leads to the unknown state 'nowhere'")
    assert NEW_WELCOME in await web_chat_welcome(browser, site)
    await context.close()


async def test_a_caseworker_is_refused_the_admin_pages(browser: Browser, site: Site, redis: Redis) -> None:
    context, page = await log_in(browser, site, redis, role="caseworker")
    for path in ("/admin", "/admin/flows/main.yaml", "/admin/preview"):
        response = await page.goto(site.url + path)
        assert response is not None
        assert response.status == 403, path
        await expect(page.get_by_text("Sidan är bara för administratörer.")).to_be_visible()
    await context.close()
