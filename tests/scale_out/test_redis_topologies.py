"""Fristad beyond one Redis server: two real `fristad run` processes on a local Redis
Cluster (three masters, each with a replica) and on a Sentinel set-up, with web chat
conversations, a handoff between the two processes and a publish; then the master
under them dies, and every conversation goes on once a replica has taken over."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest
from redis.crc import key_slot
from redis.exceptions import RedisError

from bot.adapters import redis_keys
from bot.adapters.accounts import Accounts, LoginGuard
from bot.adapters.admin.editing import with_sources
from bot.adapters.content_files import Content, read_content_files
from bot.adapters.content_versions import ContentVersions
from bot.adapters.conversation_store import RedisConversationStore
from bot.adapters.crypto import Encryptor
from bot.adapters.notifier import Notifier
from bot.adapters.redis_connection import connect
from bot.adapters.redis_server import free_port
from bot.core.dialogue import DialogueService
from bot.core.engine import Engine
from bot.core.messages import Incoming
from bot.core.translator import Translator
from bot.errors import ConfigError
from tests.conftest import key_env
from tests.helpers.content import ROOT
from tests.helpers.redis_topologies import LocalCluster, LocalSentinels, wait_until
from tests.helpers.two_workers import PASSWORD, Caseworker, HelpSeeker, settle, workers

ENV = {**key_env(), "FRISTAD_WEB_CONVERSATIONS_PER_MINUTE": "100000"}
CONVERSATIONS = 12
BURST = 300
LEAST_RIGHTS = ("+@all", "-@dangerous", "+cluster|slots")
NEW_WELCOME = "Hej! Den här välkomsttexten publicerades på ett kluster."
FAILOVER_SECONDS = 20.0  # detection takes 1 s here (NODE_TIMEOUT_MS), the election a few more
WHO_ARE_YOU = "Vad passar bäst in på dig?"  # what "continue" after the safety check leads to


@pytest.fixture(params=["cluster", "sentinel"])
def topology(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LocalCluster | LocalSentinels]:
    local: LocalCluster | LocalSentinels = (
        LocalCluster(tmp_path) if request.param == "cluster" else LocalSentinels(tmp_path)
    )
    local.start()
    yield local
    local.stop()


async def start(session: aiohttp.ClientSession, url: str) -> tuple[str, list[str]]:
    async with session.post(url + "/api/v1/conversations", json={"language": "sv"}) as response:
        assert response.status == 201, await response.text()
        data = await response.json()
    return data["token"], [r["text"] for r in data["replies"]]


async def send_until_answered(session: aiohttp.ClientSession, url: str, token: str, **body: str) -> list[str]:
    """Send until the reply comes: while no master answers the person is told to try
    again (503, with the numbers to call), never anything worse."""
    deadline = time.monotonic() + FAILOVER_SECONDS
    while True:
        async with session.post(url + "/api/v1/messages", json={"token": token, **body}) as response:
            if response.status == 200:
                return [r["text"] for r in (await response.json())["replies"]]
            text = await response.text()
            assert response.status == 503, (response.status, text)
            assert "112" in text
        assert time.monotonic() < deadline, "no master took over"
        await asyncio.sleep(0.1)


def kill_a_master(local: LocalCluster | LocalSentinels) -> None:
    if isinstance(local, LocalCluster):
        # The master of the support team's queue: the handoff's case lives there.
        local.master_of(redis_keys.queue_waiting("support")).kill()
    else:
        local.master.kill()


def replicated(local: LocalCluster | LocalSentinels) -> bool:
    """Every replica has what its master has (Redis replicates asynchronously: a write in
    the last milliseconds before a crash can be lost, see docs/performance.md)."""
    pairs = (
        zip(local.masters, local.replicas, strict=True)
        if isinstance(local, LocalCluster)
        else [(local.master, local.replica)]
    )
    for master, replica in pairs:
        offset = master.client().info("replication")["master_repl_offset"]
        if replica.client().info("replication")["slave_repl_offset"] < offset:
            return False
    return True


async def test_conversations_handoffs_and_a_publish_survive_the_death_of_a_master(
    topology: LocalCluster | LocalSentinels,
) -> None:
    async with connect(topology.url, 8) as redis:
        await Accounts(redis).add("sara", PASSWORD, "caseworker", ("support",))
    with workers(topology.url, [free_port(), free_port()], ENV) as (first, second):
        async with (
            aiohttp.ClientSession() as people,
            aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as staff,
        ):
            # A handoff between the two processes: scripts, a stream and pub/sub.
            person = HelpSeeker(people, first)
            sara = Caseworker(staff, second, "sara")
            await person.ask_for_a_person()
            await sara.log_in()
            await sara.claim_first_waiting()
            assert (await person.later_reply()).startswith("Nu skriver du med en person")
            await settle()
            await person.send(text="Före")
            await sara.heard("Före")
            # Conversations half-way, on either process (their keys spread over the masters).
            tokens = []
            for number in range(CONVERSATIONS):
                url = (first, second)[number % 2]
                token, _ = await start(people, url)
                await send_until_answered(people, url, token, choice="safe")
                tokens.append(token)
            # A publish: the content scripts, and every process switching.
            files, problems = read_content_files(ROOT / "flows", ROOT / "locales")
            assert not problems
            sv = files["locales/sv/main.ftl"]
            old_welcome = sv.split("\nwelcome = ", 1)[1].split("\n", 1)[0]
            files["locales/sv/main.ftl"] = sv.replace(
                f"\nwelcome = {old_welcome}", f"\nwelcome = {NEW_WELCOME}"
            )
            async with connect(topology.url, 8) as redis:
                await ContentVersions(redis).add(with_sources(files), "anna", "publish")
            for url in (first, second):
                deadline = time.monotonic() + 5
                while (await start(people, url))[1][0] != NEW_WELCOME:
                    assert time.monotonic() < deadline, "a process did not switch to the published version"
                    await asyncio.sleep(0.05)

            wait_until(lambda: replicated(topology), 10, "the replicas did not catch up")
            kill_a_master(topology)

            # Every conversation goes on where it was, on either process.
            for number, token in enumerate(tokens):
                said = await send_until_answered(
                    people, (second, first)[number % 2], token, choice="continue"
                )
                assert any(text.startswith(WHO_ARE_YOU) for text in said), said
            # The handoff too: the person's words reach Sara and hers come back.
            await send_until_answered(people, first, person.token, text="Efter")
            await sara.heard("Efter")
            await sara.reply("Jag är kvar")
            assert await person.later_reply() == "Jag är kvar"
            assert (await start(people, second))[1][0] == NEW_WELCOME


async def test_a_burst_of_turns_waits_for_connections_instead_of_failing(
    topology: LocalCluster | LocalSentinels,
) -> None:
    """More turns at once than a worker has connections (64): with redis-py's own Cluster
    and Sentinel pools, most of them failed with "too many connections"."""
    with workers(topology.url, [free_port()], ENV) as (url,):
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as people:
            started = await asyncio.gather(*[start(people, url) for _ in range(BURST)])

            async def turn(token: str) -> int:
                async with people.post(
                    url + "/api/v1/messages", json={"token": token, "choice": "safe"}
                ) as response:
                    return response.status

            assert await asyncio.gather(*[turn(token) for token, _ in started]) == [200] * BURST


async def test_a_user_and_password_in_the_url_log_in_as_that_user(
    topology: LocalCluster | LocalSentinels, shipped_content: Content
) -> None:
    """SAFETY rule 19 in the Sentinel and Cluster forms: Fristad works as an ACL user
    without dangerous rights (as tests/security/test_redis_acl.py for one server). Redis
    6 also needs `cluster|slots`, which it counts as dangerous; Redis 7 does not."""
    servers = (
        [*topology.masters, *topology.replicas]
        if isinstance(topology, LocalCluster)
        else [topology.master, topology.replica]
    )
    for server in servers:
        server.client().execute_command(
            "ACL", "SETUSER", "fristad", "on", ">s3cr@t", "~*", "&*", *LEAST_RIGHTS
        )
    async with connect(topology.url.replace("://", "://fristad:s3cr%40t@"), 8) as redis:
        assert await redis.acl_whoami() == "fristad"
        store = RedisConversationStore(redis, Encryptor("k1", {"k1": bytes(32)}), 3600)
        dialogue = DialogueService(
            Engine(shipped_content.flows, Translator(shipped_content.catalogues)), store
        )
        await dialogue.handle(Incoming("acl-person", text="hej"))  # scripts
        assert await LoginGuard(redis).attempt("sara", "address-hash") == 1  # a two-key script
        files, _ = read_content_files(ROOT / "flows", ROOT / "locales")
        assert await ContentVersions(redis).add(with_sources(files), "anna", "import") == 1  # a transaction
        await Notifier(redis).announce("case", "acl-person")  # pub/sub
        assert [key async for key in redis.scan_iter(match="*acl-person*")]  # on every master


async def test_an_unreachable_cluster_fails_as_a_redis_error_in_commands_and_pipelines() -> None:
    """Every adapter turns RedisError into "the store failed" (a 503 with the emergency
    numbers); redis-py's Cluster client raises other errors, which would be 500s."""
    redis = connect(f"redis+cluster://127.0.0.1:{free_port()}", 8)

    async def pipelined() -> list[object]:
        async with redis.pipeline(transaction=False) as pipe:
            pipe.get("fristad:x")
            return await pipe.execute()

    try:
        with pytest.raises(RedisError):
            await redis.get("fristad:x")
        with pytest.raises(RedisError):
            await pipelined()
    finally:
        await redis.aclose()


def test_the_keys_of_one_conversation_share_one_slot() -> None:
    key = "c0nversation-key"
    slots = {
        key_slot(name.encode())
        for name in (*redis_keys.conversation_keys(key), *redis_keys.telegram_keys(key))
    }
    assert len(slots) == 1
    team = {
        key_slot(redis_keys.queue_waiting("support").encode()),
        key_slot(redis_keys.queue_case("support", "ABC").encode()),
    }
    assert len(team) == 1


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("memcached://127.0.0.1:11211", "REDIS_URL must start with"),
        ("redis+sentinel://127.0.0.1:26379", "ends in /<service name>"),
        ("redis+sentinel://127.0.0.1:26379/fristad/x", "ends in /<service name>"),
        ("redis+sentinel://127.0.0.1/fristad", "host:port"),
        ("redis+cluster://127.0.0.1:7000,127.0.0.1:seven", "host:port"),
        ("redis+cluster://127.0.0.1:7000/3", "only database 0"),
        ("redis+cluster://127.0.0.1:7000?ssl_cert_reqs=none", "ssl_cert_reqs is not understood"),
        ("redis+sentinel://127.0.0.1:26379/fristad?sentinel_pasword=x", "sentinel_pasword is not understood"),
    ],
)
def test_a_redis_url_that_cannot_work_is_refused_with_a_reason(url: str, reason: str) -> None:
    with pytest.raises(ConfigError, match=reason):
        connect(url, 8)


def test_a_worker_started_before_its_cluster_listens_for_news_once_the_cluster_is_up(tmp_path: Path) -> None:
    """The Cluster client's pub/sub fails with a KeyError while no node has answered yet;
    the worker must not stop listening for news then (it did, before)."""
    cluster = LocalCluster(tmp_path)
    later = threading.Timer(4, cluster.start)
    later.start()
    try:
        with workers(cluster.url, [free_port()], ENV):
            wait_until(lambda: listeners(cluster) == 1, 10, "the worker does not listen for news")
    finally:
        later.join()
        cluster.stop()


def listeners(cluster: LocalCluster) -> int:
    channel = redis_keys.notifications()
    return sum(int(node.client().pubsub_numsub(channel)[0][1]) for node in cluster.nodes)
