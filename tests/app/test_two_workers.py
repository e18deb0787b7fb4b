"""Two real `fristad run` processes on one Redis: the help-seeker on one, the caseworker
on the other, and every message arrives on the other side."""

from __future__ import annotations

import aiohttp
from redis.asyncio import Redis

from bot.adapters.accounts import Accounts
from bot.adapters.redis_server import RedisServerProcess, free_port
from tests.conftest import key_env
from tests.helpers.two_workers import PASSWORD, Caseworker, HelpSeeker, settle, workers


async def test_a_help_seeker_and_a_caseworker_on_different_workers_talk_both_ways(
    redis_server: RedisServerProcess, redis: Redis
) -> None:
    await Accounts(redis).add("sara", PASSWORD, "caseworker", ("support",))
    with workers(redis_server.url, [free_port(), free_port()], key_env()) as (first, second):
        async with (
            aiohttp.ClientSession() as person_session,
            aiohttp.ClientSession(
                cookie_jar=aiohttp.CookieJar(unsafe=True)
            ) as staff_session,  # cookies on 127.0.0.1
        ):
            person = HelpSeeker(person_session, first)
            sara = Caseworker(staff_session, second, "sara")
            await person.ask_for_a_person()
            await sara.log_in()
            await sara.claim_first_waiting()
            assert (await person.later_reply()).startswith("Nu skriver du med en person")
            await settle()
            for number in range(3):
                await person.send(text=f"Meddelande {number} från personen")
                await sara.heard(f"Meddelande {number} från personen")
                await sara.reply(f"Svar {number} från Sara")
                assert await person.later_reply() == f"Svar {number} från Sara"
            await sara.end()
            assert (await person.later_reply()).startswith("Relationsvåldsteamet har avslutat samtalet.")
