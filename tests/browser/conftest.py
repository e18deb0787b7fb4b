"""Real headless Chromium (Debian's, never a downloaded one) driven by Playwright, against
Fristad served on a real port, and a stand-in for the neutral site quick exit goes to."""

from __future__ import annotations

import html
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from aiohttp import web
from playwright.async_api import Browser, BrowserContext, Page, async_playwright
from redis.asyncio import Redis

from bot.adapters.content_files import Content
from bot.adapters.redis_server import RedisServerProcess, free_port
from bot.adapters.web_chat import WEB_CHAT, WebChat
from bot.app.settings import Settings
from bot.app.web import init_app
from tests.conftest import key_env
from tests.helpers.content import ROOT

CHROMIUM = Path(os.environ.get("FRISTAD_CHROMIUM", "/usr/bin/chromium"))
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "artifacts" / "screenshots"
PHONE = {"width": 390, "height": 844}
# As root in a sandbox without internet: no sandbox, and no background calls home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass(frozen=True)
class Site:
    url: str
    app: web.Application

    @property
    def chat(self) -> WebChat:
        return self.app[WEB_CHAT]


async def serve(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=1)  # a failed test may leave a socket open
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner, f"http://127.0.0.1:{port}"


@pytest.fixture
async def neutral_site() -> AsyncIterator[str]:
    """Where a person was before the chat, and where quick exit takes them."""

    async def page(request: web.Request) -> web.Response:
        return web.Response(
            text=f"<title>{request.path}</title><p>{request.path}</p>", content_type="text/html"
        )

    async def host(request: web.Request) -> web.Response:
        """The municipality's page with the chat in a frame."""
        chat = html.escape(request.query["chat"])
        frame = f'<iframe src="{chat}/" title="Chat" width="390" height="700"></iframe>'
        return web.Response(text=f"<title>Kommunen</title><h1>Kommunen</h1>{frame}", content_type="text/html")

    app = web.Application()
    app.router.add_get("/before", page)
    app.router.add_get("/weather", page)
    app.router.add_get("/host", host)
    runner, url = await serve(app)
    yield url
    await runner.cleanup()


@pytest.fixture
async def site(
    redis_server: RedisServerProcess,
    redis: Redis,
    shipped_content: Content,
    neutral_site: str,
    tmp_path: Path,
) -> AsyncIterator[Site]:
    settings = Settings.from_env(
        {
            **key_env(),
            "REDIS_URL": redis_server.url,
            "FRISTAD_DATA_DIR": str(tmp_path),
            "FRISTAD_QUICK_EXIT_URL": f"{neutral_site}/weather",
            "FRISTAD_FRAME_ANCESTORS": neutral_site,
        }
    )
    app = init_app(settings, shipped_content)
    runner, url = await serve(app)
    yield Site(url, app)
    await runner.cleanup()


@pytest.fixture
def chromium() -> Path:
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium is not at {CHROMIUM}: run scripts/test (it installs Debian's chromium), "
            "or `apt-get install chromium`, or set FRISTAD_CHROMIUM"
        )
    return CHROMIUM


@pytest.fixture
async def browser(chromium: Path) -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        yield browser
        await browser.close()


async def new_page(
    browser: Browser, locale: str = "sv-SE", viewport: dict[str, int] = PHONE
) -> tuple[BrowserContext, Page]:
    context = await browser.new_context(viewport=viewport, locale=locale)  # type: ignore[arg-type]
    page = await context.new_page()
    return context, page


@pytest.fixture
def axe_source() -> str:
    if not AXE.exists():
        pytest.fail(f"axe-core is not at {AXE}: run scripts/test (it runs `npm ci`), or `npm ci` yourself")
    return AXE.read_text(encoding="utf-8")
