"""`fristad flows export` and `fristad flows import`: the published content to files and
back, for review in git, for moving between deployments, and after an upgrade."""

from __future__ import annotations

import asyncio
import getpass
from pathlib import Path

from bot.adapters.admin.editing import with_sources
from bot.adapters.audit import AuditLog
from bot.adapters.content_files import Content, load_content, write_content_files
from bot.adapters.content_versions import ContentVersions
from bot.app.runtime import open_runtime
from bot.app.settings import Settings
from bot.errors import ConfigError, ContentError


def export_version(
    settings: Settings, content: Content, version: int | None, flows_dir: Path, locales_dir: Path
) -> str:
    async def export() -> str:
        async with open_runtime(settings, content) as runtime:
            versions = ContentVersions(runtime.redis)
            number = version if version is not None else await versions.current()
            if number is None:
                raise ConfigError("nothing has been published yet: the shipped files are what runs")
            files = await versions.files(number)
            if files is None:
                raise ConfigError(f"there is no version {number}")
        write_content_files(files, flows_dir, locales_dir)
        return f"version {number} written to {flows_dir} and {locales_dir}"

    return asyncio.run(export())


def import_files(settings: Settings, content: Content, flows_dir: Path, locales_dir: Path, note: str) -> str:
    loaded = load_content(flows_dir, locales_dir, settings.local_numbers_file, settings.teams_file)
    if loaded.problems:
        raise ContentError(loaded.problems)
    by = f"command line ({getpass.getuser()})"

    async def add() -> int:
        async with open_runtime(settings, content) as runtime:
            number = await ContentVersions(runtime.redis).add(with_sources(loaded.files), by, "import", note)
            await AuditLog(runtime.redis).record(by, "content-import", what=f"version {number}")
            return number

    number = asyncio.run(add())
    return f"imported as version {number}, now current: every running worker switches within a second"
