"""`fristad user add`: make a staff account. The password comes from a prompt, or from
standard input when that is not a terminal (one line), never from the command line."""

from __future__ import annotations

import asyncio
import getpass
import sys
from typing import TextIO, cast

from bot.adapters.accounts import Accounts, Role, check_new_account
from bot.adapters.content_files import Content
from bot.app.runtime import open_runtime
from bot.app.settings import Settings
from bot.errors import ConfigError


def read_password(stdin: TextIO) -> str:
    if not stdin.isatty():
        return stdin.readline().rstrip("\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Password again: ") != first:
        raise ConfigError("the two passwords differ")
    return first


def add_user(settings: Settings, content: Content, name: str, role: str, teams: list[str]) -> None:
    if content.teams is not None:
        unknown = sorted(set(teams) - set(content.teams.teams))
        if unknown:
            raise ConfigError(
                f"unknown team(s): {', '.join(unknown)} (known: {', '.join(content.teams.teams)})"
            )
    password = read_password(sys.stdin)
    check_new_account(name, role, password)

    async def add() -> None:
        async with open_runtime(settings, content) as runtime:
            await Accounts(runtime.redis).add(name, password, cast(Role, role), tuple(teams))

    asyncio.run(add())
    print(f"account {name} ({role}{', teams ' + ', '.join(teams) if teams else ''}) saved")
