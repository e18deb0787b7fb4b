"""Whole conversations over Telegram: buttons and text, Swedish and Arabic, language from
the person's Telegram, commands, and what /exit and "delete my data" leave behind."""

from __future__ import annotations

import asyncio

from redis.asyncio import Redis

from bot.adapters.content_files import Content
from bot.adapters.telegram import TELEGRAM_MESSAGES
from bot.core.translator import Translator
from tests.helpers.bot_api import BotApiStandIn
from tests.telegram.conftest import Client, conversation_key, send

CHAT = 4242


def text_of(content: Content, language: str, message_id: str) -> str:
    variables = content.flows[0].variables
    return Translator(content.catalogues).format(language, message_id, variables)


async def test_a_conversation_by_buttons_in_swedish(
    fristad: Client, api: BotApiStandIn, shipped_content: Content
) -> None:
    assert await send(fristad, api.text_update(CHAT, "/start")) == 200
    [welcome] = await api.wait_for_bot_messages(CHAT, 1)
    assert welcome.opener == text_of(shipped_content, "sv", "telegram-opener")
    how_to_delete = text_of(shipped_content, "sv", "telegram-delete-chat")
    assert welcome.body.endswith(f"{how_to_delete}\n\n{text_of(shipped_content, 'sv', 'telegram-previews')}")
    assert text_of(shipped_content, "sv", "safety-question") in welcome.body
    assert [data for _, data in welcome.buttons] == ["safe", "not_safe", "global:danger"]

    assert await send(fristad, api.press(CHAT, welcome, "safe")) == 200
    _, quick_exit = await api.wait_for_bot_messages(CHAT, 2)
    assert "/exit" in quick_exit.body
    assert api.visible(CHAT)[1].reply_markup is None  # the pressed buttons are gone: no second press
    assert how_to_delete not in quick_exit.body  # only once

    assert await send(fristad, api.press(CHAT, quick_exit, "continue")) == 200
    *_, who = await api.wait_for_bot_messages(CHAT, 3)
    assert who.buttons
    assert all(m.reply_markup is None for m in api.bot_messages(CHAT)[:-1])
    assert who.body == text_of(shipped_content, "sv", "who-are-you")


async def test_a_conversation_by_text_in_arabic(
    fristad: Client, api: BotApiStandIn, shipped_content: Content
) -> None:
    assert await send(fristad, api.text_update(CHAT, "مرحبا", language_code="ar")) == 200
    [welcome] = await api.wait_for_bot_messages(CHAT, 1)
    assert text_of(shipped_content, "ar", "safety-question") in welcome.body
    assert (text_of(shipped_content, "ar", "action-danger"), "global:danger") in welcome.buttons
    assert await send(fristad, api.text_update(CHAT, "نعم", language_code="ar")) == 200
    _, quick_exit = await api.wait_for_bot_messages(CHAT, 2)
    assert quick_exit.body.startswith(text_of(shipped_content, "ar", "quick-exit")[:20])
    assert await send(fristad, api.text_update(CHAT, "سكين", language_code="ar")) == 200  # "knife"
    *_, danger = await api.wait_for_bot_messages(CHAT, 3)
    assert danger.body.startswith(text_of(shipped_content, "ar", "danger-now"))


async def test_the_language_comes_from_telegram_and_can_be_changed(
    fristad: Client, api: BotApiStandIn, shipped_content: Content
) -> None:
    await send(fristad, api.text_update(CHAT, "/start", language_code="fi-FI"))
    [welcome] = await api.wait_for_bot_messages(CHAT, 1)
    assert text_of(shipped_content, "fi", "safety-question") in welcome.body

    await send(fristad, api.text_update(CHAT, "/language", language_code="fi-FI"))
    *_, menu = await api.wait_for_bot_messages(CHAT, 2)
    assert ("English", "language:en") in menu.buttons
    await send(fristad, api.press(CHAT, menu, "language:en"))
    *_, english = await api.wait_for_bot_messages(CHAT, 3)
    assert text_of(shipped_content, "en", "safety-question") in english.body


async def test_an_unknown_language_falls_back_to_swedish(fristad: Client, api: BotApiStandIn) -> None:
    await send(fristad, api.text_update(CHAT, "/start", language_code="ja"))
    [welcome] = await api.wait_for_bot_messages(CHAT, 1)
    assert "säker" in welcome.body


async def test_commands_choose_the_global_actions(
    fristad: Client, api: BotApiStandIn, shipped_content: Content
) -> None:
    await send(fristad, api.text_update(CHAT, "/danger"))
    [danger] = await api.wait_for_bot_messages(CHAT, 1)
    assert danger.body.startswith(
        text_of(shipped_content, "sv", "danger-now")
    )  # danger first, even before the safety check
    await send(fristad, api.text_update(CHAT, "/help"))
    *_, help_text = await api.wait_for_bot_messages(CHAT, 2)
    assert help_text.body.startswith(text_of(shipped_content, "sv", "help-text"))


async def test_exit_deletes_every_message_of_the_chat_and_everything_stored(
    fristad: Client, api: BotApiStandIn, redis: Redis
) -> None:
    await send(fristad, api.text_update(CHAT, "/start"))
    [welcome] = await api.wait_for_bot_messages(CHAT, 1)
    await send(fristad, api.press(CHAT, welcome, "safe"))
    await api.wait_for_bot_messages(CHAT, 2)
    await send(fristad, api.text_update(CHAT, "jag är rädd"))
    await api.wait_for_bot_messages(CHAT, 3)
    await send(
        fristad,
        api.content_update(
            CHAT,
            {
                "sticker": {
                    "file_id": "x",
                    "file_unique_id": "y",
                    "type": "regular",
                    "width": 1,
                    "height": 1,
                    "is_animated": False,
                    "is_video": False,
                }
            },
        ),
    )
    await api.wait_for_bot_messages(CHAT, 4)
    assert (
        len(api.visible(CHAT)) == 7
    )  # three from the person (a button press is no message), four from the bot
    key = conversation_key(fristad, CHAT)
    assert [name async for name in redis.scan_iter(match=f"*{key}*")]

    assert await send(fristad, api.text_update(CHAT, "/exit")) == 200
    assert api.visible(CHAT) == []  # the /exit message too
    assert [name async for name in redis.scan_iter(match=f"*{key}*")] == []
    assert all(len(call.params["message_ids"]) <= 100 for call in api.method_calls("deleteMessages"))


async def test_delete_my_data_empties_the_chat_and_keeps_nothing(
    fristad: Client, api: BotApiStandIn, redis: Redis
) -> None:
    await send(fristad, api.text_update(CHAT, "/start"))
    await api.wait_for_bot_messages(CHAT, 1)
    await send(fristad, api.text_update(CHAT, "radera mina uppgifter"))  # typed, as the help text says
    await asyncio.sleep(0.3)
    assert api.visible(CHAT) == []  # nothing said after: it would stay, with nothing left to find it by
    assert [name async for name in redis.scan_iter(match=f"*{conversation_key(fristad, CHAT)}*")] == []


async def test_a_new_conversation_after_exit_starts_with_the_safety_check(
    fristad: Client, api: BotApiStandIn
) -> None:
    await send(fristad, api.text_update(CHAT, "/start"))
    await api.wait_for_bot_messages(CHAT, 1)
    await send(fristad, api.text_update(CHAT, "/exit"))
    await send(fristad, api.text_update(CHAT, "hej"))
    [welcome] = await api.wait_for_bot_messages(CHAT, 1)
    assert "säker" in welcome.body


async def test_no_message_text_or_chat_id_is_stored_in_clear(
    fristad: Client, api: BotApiStandIn, redis: Redis
) -> None:
    await send(fristad, api.text_update(CHAT, "/start"))
    await send(fristad, api.text_update(CHAT, "hemlighetsfull-text-4711"))
    await api.wait_for_bot_messages(CHAT, 2)
    for key in [key async for key in redis.scan_iter(match="*")]:
        dumped = await redis.dump(key) or b""  # b"": expired meanwhile (a pacing key)
        assert b"hemlighetsfull" not in dumped
        assert str(CHAT).encode() not in dumped
        assert str(CHAT).encode() not in key


async def test_every_message_begins_with_a_neutral_line_for_lock_screens_and_the_chat_list(
    fristad: Client, api: BotApiStandIn, shipped_content: Content
) -> None:
    for typed in ("/start", "نعم", "/help", "/danger"):
        await send(fristad, api.text_update(CHAT, typed, language_code="ar"))
    messages = await api.wait_for_bot_messages(CHAT, 4)
    assert {m.opener for m in messages} == {text_of(shipped_content, "ar", "telegram-opener")}
    assert (
        text_of(shipped_content, "ar", "telegram-previews") in messages[0].body
    )  # how to hide previews, once


def test_every_telegram_text_is_in_every_shipped_language(shipped_content: Content) -> None:
    for language, catalogue in shipped_content.catalogues.items():
        missing = [m for m in TELEGRAM_MESSAGES if not catalogue.bundle.has_message(m)]
        assert missing == [], language
