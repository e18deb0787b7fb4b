"""What the admin pages work with, set on the app when it starts."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field

from aiohttp import web

from bot.adapters.admin.editing import with_sources
from bot.adapters.audit import AuditLog
from bot.adapters.content_versions import ContentVersions, Draft
from bot.adapters.published import PublishedContent
from bot.adapters.statistics import Statistics
from bot.core.engine import Engine
from bot.errors import DraftChanged


@dataclass(frozen=True, eq=False)
class Admin:
    published: PublishedContent
    audit: AuditLog
    statistics: Statistics
    previews: dict[int, Engine] = field(default_factory=dict)  # the draft's engine per revision

    @property
    def versions(self) -> ContentVersions:
        return self.published.versions

    async def draft(self) -> Draft:
        """The shared draft, started from the running content the first time."""
        draft = await self.versions.draft()
        if draft is not None:
            return draft
        files = await asyncio.to_thread(with_sources, self.published.content.files)
        with contextlib.suppress(DraftChanged):  # another admin started it at that moment
            await self.versions.save_draft(files, 0, self.published.version)
        draft = await self.versions.draft()
        assert draft is not None
        return draft


ADMIN = web.AppKey("admin", Admin)
