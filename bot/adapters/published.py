"""The content every worker runs: the shipped files until an admin publishes, then the
current published version, switched to within about a second of a publish."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from bot.adapters.content_files import Content, ContentFiles, check_content
from bot.adapters.content_versions import ContentVersions
from bot.core.engine import Engine
from bot.core.translator import Translator
from bot.errors import StoreError

log = logging.getLogger(__name__)

WATCH_SECONDS = 0.25  # how often a worker asks which version is current: one GET


def build_engine(content: Content) -> Engine:
    return Engine(content.flows, Translator(content.catalogues), content.local_numbers)


class PublishedContent:
    def __init__(self, versions: ContentVersions, engine: Engine, shipped: Content) -> None:
        self.versions = versions
        self.engine = engine  # shared with every service; its content is swapped in place
        self.shipped = shipped
        self.content = shipped
        self.version: int | None = None  # None: the shipped files
        self.refused: int | None = None  # a current version that did not pass the check here
        self._switching = asyncio.Lock()

    def check(self, files: ContentFiles) -> Content:
        """A content set checked as a whole with this deployment's teams and numbers."""
        return check_content(files, self.shipped.deployment)

    async def follow(self) -> bool:
        """Switch to the current version if it changed; True when it did. One switch at
        a time (the publishing request and the watcher both call it), so an older
        version built more slowly can never replace a newer one."""
        async with self._switching:
            return await self._follow()

    async def _follow(self) -> bool:
        current = await self.versions.current()
        if current == self.version:
            self.refused = None  # rolled back to what runs here
            return False
        if current == self.refused:
            return False
        if current is None:
            content = self.shipped
        else:
            files = await self.versions.files(current)
            if files is None:
                log.error(
                    "content version %s is current but missing; keeping version %s", current, self.version
                )
                self.refused = current
                return False
            content = await asyncio.to_thread(self.check, files)
            if content.problems:
                # Published under other code (an upgrade added a message, say): run what
                # this code can, and let the admin pages say why.
                log.error(
                    "content version %s does not pass the check of this version of Fristad (%d problems);"
                    " keeping version %s",
                    current,
                    len(content.problems),
                    self.version,
                )
                self.refused = current
                return False
        engine = await asyncio.to_thread(build_engine, content)
        self.engine.take_content(engine)
        self.content, self.version, self.refused = content, current, None
        log.info("now running content version %s", current if current is not None else "shipped")
        return True

    async def watch(self, stop: asyncio.Event) -> None:
        failing = False  # said once per outage, not four times a second
        while not stop.is_set():
            try:
                await self.follow()
                if failing:
                    log.info("the content version can be checked again")
                failing = False
            except StoreError:
                if not failing:
                    log.warning("cannot check the content version: Redis does not answer")
                failing = True
            except Exception as err:
                log.error("checking the content version failed: %s", type(err).__name__)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), WATCH_SECONDS)
