"""What each kind of Telegram update does. Private chats only: the bot answers nobody
in a group or channel, and leaves one it is added to. Only text and button presses
are read; anything else gets a short note of what the bot can read, and none of it is
kept (only the message's id, so that /exit can delete it)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace

from telegram import Bot, CallbackQuery, Chat, ChatMember, Message, Update
from telegram.error import TelegramError

from bot.adapters.crypto import ConversationKeyer
from bot.adapters.telegram.chats import NoteKind, TelegramChats
from bot.adapters.telegram.delivery import TelegramDeliveries
from bot.adapters.telegram.rendering import joined
from bot.core.dialogue import DialogueService
from bot.core.engine import CompiledFlow, global_trigger
from bot.core.messages import Incoming, Reply
from bot.errors import ConversationNotFound, TooManyTurns

log = logging.getLogger(__name__)

CHANNEL = "telegram"
# Commands, in the order Telegram's menu shows them, with their description's message id.
COMMANDS = {
    "start": "telegram-command-start",
    "danger": "telegram-command-danger",
    "person": "telegram-command-person",
    "language": "telegram-command-language",
    "help": "telegram-command-help",
    "exit": "telegram-command-exit",
    "forget": "telegram-command-forget",
}
DANGER_CHOICE = global_trigger("danger")
# The global action each command chooses (/exit is the channel's own: delete the chat).
COMMAND_CHOICES = {
    "start": global_trigger("restart"),  # a new conversation starts with the safety check
    "danger": DANGER_CHOICE,
    "person": global_trigger("person"),
    "language": global_trigger("language"),
    "help": global_trigger("help"),
    "forget": global_trigger("forget"),
}
EXIT_COMMAND = "exit"
ONLY_TEXT = "telegram-only-text"
EDITED = "telegram-edited"
OLD_BUTTON = "telegram-old-button"
TOO_MANY = "telegram-too-many"
DELETE_CHAT = "telegram-delete-chat"
PREVIEWS = "telegram-previews"
OPENER = "telegram-opener"  # the neutral first line of every message the bot sends
TELEGRAM_MESSAGES = (
    *COMMANDS.values(),
    ONLY_TEXT,
    EDITED,
    OLD_BUTTON,
    TOO_MANY,
    DELETE_CHAT,
    PREVIEWS,
    OPENER,
)


class TelegramUpdates:
    def __init__(
        self,
        bot: Bot,
        dialogue: DialogueService,
        keyer: ConversationKeyer,
        chats: TelegramChats,
        deliveries: TelegramDeliveries,
    ) -> None:
        self._bot = bot
        self._dialogue = dialogue
        self._keyer = keyer
        self._chats = chats
        self._deliveries = deliveries
        # Called once per turn handled (set by the process's metrics; None: not counted).
        self.on_turn: Callable[[], None] | None = None

    @property
    def _flow(self) -> CompiledFlow:
        # Read at use, never kept: an admin's publish swaps the engine's flows.
        return self._dialogue.engine.entry

    def conversation_key(self, chat_id: int) -> str:
        return self._keyer.conversation_key(CHANNEL, str(chat_id))

    async def handle(self, update: Update) -> None:
        """Act on one update. Raises StoreError when it could not be recorded (the
        update is then to be tried again); Telegram's own refusals are logged."""
        if not well_formed(update):
            log.warning("Telegram update ignored: its fields have the wrong types")
            return
        chat = update.effective_chat
        if chat is None:
            return
        if chat.type != Chat.PRIVATE:
            await self._left_alone(update, chat)
            return
        key = self.conversation_key(chat.id)
        hint = update.effective_user.language_code if update.effective_user else None
        if update.my_chat_member is not None:
            if update.my_chat_member.new_chat_member.status == ChatMember.BANNED:
                # Blocked: the person has left, as with /exit (deleting may be refused).
                await self.clean_chat(key, forget=True)
                await self._dialogue.end(key)
        elif update.callback_query is not None:
            await self._button(key, chat.id, update.callback_query, hint, update.update_id)
        elif update.message is not None:
            await self._message(key, chat.id, update.message, hint)
        elif update.edited_message is not None:
            await self._not_readable(key, EDITED, hint, await self._chats.remember(key, chat.id))

    async def _message(self, key: str, chat_id: int, message: Message, hint: str | None) -> None:
        new_chat = await self._chats.remember(key, chat_id)
        await self._chats.record(key, message.message_id)
        text = message.text
        if text is None:
            await self._not_readable(key, ONLY_TEXT, hint, new_chat)
            return
        command = _command(text)
        if command == EXIT_COMMAND:
            await self.clean_chat(key, forget=True)
            await self._dialogue.end(key)
        elif command in COMMAND_CHOICES:
            await self._turn(
                Incoming(key, choice=COMMAND_CHOICES[command], language_hint=hint, channel=CHANNEL),
                chat_id,
                new_chat,
            )
        else:
            await self._turn(Incoming(key, text=text, language_hint=hint, channel=CHANNEL), chat_id, new_chat)

    async def _button(
        self, key: str, chat_id: int, query: CallbackQuery, hint: str | None, update_id: int
    ) -> None:
        pressed = query.message.message_id if query.message is not None else None
        # The current buttons are taken by one press only; the danger button is always
        # answered, from whichever message.
        taken = pressed is not None and await self._chats.claim_buttons(key, pressed, update_id)
        if not query.data or not (taken or query.data == DANGER_CHOICE):
            await self._best_effort(
                query.answer(self._flow.text(await self._language(key, hint), OLD_BUTTON))
            )
            if pressed is not None:
                await self._remove_buttons(chat_id, pressed)
            return
        # If this fails, Telegram sends the same update again, and it takes the same buttons.
        new_chat = await self._chats.remember(key, chat_id)
        await self._turn(
            Incoming(key, choice=query.data, language_hint=hint, channel=CHANNEL), chat_id, new_chat
        )
        await self._best_effort(query.answer())
        if pressed is not None:
            await self._remove_buttons(chat_id, pressed)

    async def _remove_buttons(self, chat_id: int, message_id: int) -> None:
        await self._best_effort(self._bot.edit_message_reply_markup(chat_id, message_id, reply_markup=None))

    async def _turn(self, incoming: Incoming, chat_id: int, new_chat: bool) -> None:
        key = incoming.conversation_key
        try:
            result = await self._dialogue.take_turn(incoming)
        except TooManyTurns:
            await self._not_readable(key, TOO_MANY, incoming.language_hint, new_chat=False, kind="too-many")
            return
        if self.on_turn is not None:
            self.on_turn()
        if result.ended:
            # "Delete my data": in Telegram the chat goes too, as with /exit. Nothing is
            # said afterwards: a message sent now would stay, with nothing left to find
            # it by; the empty chat, showing the bot's description, says it is done.
            await self.clean_chat(key, forget=True)
            return
        replies = list(result.replies)
        if new_chat and replies:
            replies = self._told_how_to_delete(replies)
        await self._publish(key, joined(replies))

    def _note(self, language: str, message_id: str) -> Reply:
        return self._flow.bubble(language, self._flow.text(language, message_id), ())

    def _told_how_to_delete(self, replies: list[Reply]) -> list[Reply]:
        """The first reply in a chat ends with how to delete what the bot cannot, and
        how to hide previews: after what the person asked for (the danger text first),
        in the same message."""
        *before, last = replies
        note = "\n\n".join(self._flow.text(last.language, m) for m in (DELETE_CHAT, PREVIEWS))
        return [*before, replace(last, text=f"{last.text}\n\n{note}")]

    async def _not_readable(
        self, key: str, message_id: str, hint: str | None, new_chat: bool, kind: NoteKind = "unreadable"
    ) -> None:
        """A note of what the bot can read, with the choices of where the person is (at
        most one a minute, however many photos come); a first message that cannot be
        read starts the conversation."""
        conversation = await self._dialogue.store.load(key)
        if conversation is not None and not await self._chats.may_note(key, kind):
            return
        if conversation is None:
            result = await self._dialogue.take_turn(Incoming(key, language_hint=hint, channel=CHANNEL))
            if self.on_turn is not None:
                self.on_turn()
            language = result.replies[0].language
            replies = [self._note(language, message_id), *result.replies]
            if new_chat:
                replies = self._told_how_to_delete(replies)
        else:
            place = self._flow.place(conversation)  # a publish may have removed its state
            replies = list(self._flow.say_with_choices(place, conversation.language, message_id)[0])
        await self._publish(key, joined(replies))

    async def _publish(self, key: str, replies: list[Reply]) -> None:
        with contextlib.suppress(ConversationNotFound):  # ended meanwhile: nothing to say
            await self._deliveries.publish(key, replies)

    async def clean_chat(self, key: str, *, forget: bool) -> None:
        """Delete every message of the chat Telegram still allows; with `forget`, the
        chat's keys too. Ids are only dropped once their messages are deleted, so a
        failure (Telegram unreachable) loses none."""
        chat_id, seen = await self._chats.take_messages(key, mode="peek")
        if chat_id is not None:
            await self._deliveries.delete(chat_id, seen)
        chat_id, rest = await self._chats.take_messages(key, mode="forget" if forget else "clean")
        if chat_id is not None:
            await self._deliveries.delete(chat_id, sorted(set(rest) - set(seen)))

    async def _language(self, key: str, hint: str | None) -> str:
        conversation = await self._dialogue.store.load(key)
        return conversation.language if conversation else self._dialogue.engine.translator.negotiate(hint)

    async def _left_alone(self, update: Update, chat: Chat) -> None:
        """Groups and channels get no answer; the bot leaves a group it was added to."""
        member = update.my_chat_member
        if member is not None and member.new_chat_member.status in (
            ChatMember.MEMBER,
            ChatMember.ADMINISTRATOR,
        ):
            await self._best_effort(self._bot.leave_chat(chat.id))

    @staticmethod
    async def _best_effort(call: Awaitable[object]) -> None:
        try:
            await call
        except TelegramError as err:
            log.info("Telegram refused a request (%s)", type(err).__name__)


def well_formed(update: Update) -> bool:
    """Whether the fields the channel reads have the types Telegram documents. The
    parser does not check them: a garbled or forged update can carry a string for a chat
    id or a number for a text, which would fail later, again at every retry, or be
    stored and break the chat's deletion."""
    chat = update.effective_chat
    if chat is not None and not (_whole_number(chat.id) and isinstance(chat.type, str)):
        return False
    user = update.effective_user
    if user is not None and not isinstance(user.language_code, str | None):
        return False
    for message in (update.message, update.edited_message):
        if message is not None and not (
            _whole_number(message.message_id) and isinstance(message.text, str | None)
        ):
            return False
    query = update.callback_query
    if query is not None:
        if not isinstance(query.data, str | None):
            return False
        if query.message is not None and not _whole_number(query.message.message_id):
            return False
    return True


def _whole_number(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _command(text: str) -> str | None:
    """`/start`, `/start@SomeBot` or `/start payload` -> "start"."""
    if not text.startswith("/"):
        return None
    word = text[1:].split(maxsplit=1)[0] if text[1:].strip() else ""
    return word.split("@", 1)[0].lower()
