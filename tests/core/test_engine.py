"""The engine alone: pure steps, no Redis."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
import transitions

from bot.core.conversation import Conversation
from bot.core.engine import MAX_TEXT_LENGTH, Engine, Step
from bot.core.messages import Incoming
from bot.core.translator import CatalogueFile, Translator, parse_catalogue
from tests.helpers.content import TINY_FLOW, catalogue_text, tiny_engine, tiny_flow


@pytest.fixture
def engine() -> Engine:
    return tiny_engine()


def stored(step: Step) -> Conversation:
    """The conversation as the store would give it back after saving the step."""
    return replace(step.conversation, revision=step.conversation.revision + 1)


def start(engine: Engine, hint: str | None = "sv") -> Conversation:
    step = engine.step(engine.new_conversation("k", hint), Incoming("k", language_hint=hint))
    return stored(step)


def test_a_new_conversation_says_the_start_state_in_the_hinted_language(engine: Engine) -> None:
    conversation = engine.new_conversation("k", "en-US,en;q=0.9")
    step = engine.step(conversation, Incoming("k", text="hi"))
    assert [r.text for r in step.replies] == ["Hello", "Pick one of 2"]
    assert [o.label for o in step.replies[-1].options] == ["ATV", "Other"]
    assert [o.label for o in step.replies[-1].actions] == ["I am in danger now"]
    assert step.replies[0].options == ()  # buttons go with the last bubble only
    assert step.conversation.state == "start"
    assert [(e.speaker, e.text) for e in step.transcript] == [
        ("user", "hi"),
        ("bot", "Hello"),
        ("bot", "Pick one of 2"),
    ]


def test_choosing_an_option_moves_to_its_state(engine: Engine) -> None:
    step = engine.step(start(engine), Incoming("k", choice="atv"))
    assert step.conversation.state == "atv"
    assert [r.text for r in step.replies] == ["ATV är frivilligt"]
    assert [o.id for o in step.replies[0].options] == ["back"]
    assert step.transcript[0].speaker == "user"
    assert step.transcript[0].text == "ATV"


@pytest.mark.parametrize("choice", ["nonsense", "back", "global:unknown", "language:xx", ""])
def test_an_unknown_choice_gets_a_localized_reply_and_keeps_the_state(engine: Engine, choice: str) -> None:
    conversation = start(engine, "en")
    step = engine.step(conversation, Incoming("k", choice=choice))
    assert step.conversation.state == "start"
    assert step.replies[0].text == "Did not understand"
    assert [o.id for o in step.replies[0].options] == ["atv", "other"]  # here are the choices


def test_free_text_keywords_lead_to_a_state(engine: Engine) -> None:
    step = engine.step(start(engine), Incoming("k", text="Jag vill veta om ATV, tack!"))
    assert step.conversation.state == "atv"


def test_typing_a_button_label_chooses_it(engine: Engine) -> None:
    step = engine.step(start(engine), Incoming("k", text="annat"))
    assert step.conversation.state == "other"


def test_a_states_own_keywords_lead_to_it_from_any_state(engine: Engine) -> None:
    in_atv = stored(engine.step(start(engine), Incoming("k", choice="atv")))
    step = engine.step(in_atv, Incoming("k", text="Finns det annan hjälp?"))
    assert step.conversation.state == "other"
    assert step.replies[0].text == "Annan hjälp"


def test_the_longest_of_commands_and_topics_wins(engine: Engine) -> None:
    # "hjälp" (help) is inside "annan hjälp" (a topic): the topic is meant.
    assert engine.step(start(engine), Incoming("k", text="annan hjälp")).conversation.state == "other"
    helped = engine.step(start(engine), Incoming("k", text="hjälp"))
    assert helped.replies[0].text == "Hej"  # the help action (here: the start state), understood


def test_keywords_other_than_danger_count_only_in_the_conversations_language(engine: Engine) -> None:
    english = start(engine, "en")
    assert engine.step(english, Incoming("k", text="forget me")).forget
    # "glöm mig" is Swedish for "forget me"; in English it is just text.
    step = engine.step(english, Incoming("k", text="glöm mig"))
    assert not step.forget
    assert step.replies[0].text == "Did not understand"
    # Danger words, on the other hand, work whatever the language.
    assert engine.step(english, Incoming("k", text="hjälp nu")).conversation.state == "danger"


def test_text_that_matches_nothing_is_not_understood_and_kept(engine: Engine) -> None:
    step = engine.step(start(engine), Incoming("k", text="blå himmel"))
    assert step.conversation.state == "start"
    assert step.replies[0].text == "Förstod inte"
    assert step.transcript[0].text == "blå himmel"


@pytest.mark.parametrize("text", ["han har en KNIV", "help now!", "knife"])
def test_danger_words_in_any_language_lead_to_the_emergency_state_from_anywhere(
    engine: Engine, text: str
) -> None:
    conversation = stored(engine.step(start(engine), Incoming("k", choice="other")))
    step = engine.step(conversation, Incoming("k", text=text))
    assert step.conversation.state == "danger"
    assert step.conversation.danger is True
    assert step.replies[0].text == "Ring 112"


def test_danger_words_work_in_the_very_first_message(engine: Engine) -> None:
    step = engine.step(engine.new_conversation("k", "sv"), Incoming("k", text="kniv"))
    assert step.conversation.state == "danger"


def test_the_danger_button_is_offered_in_every_state(engine: Engine) -> None:
    for state in ("start", "atv", "other", "danger", "person"):
        conversation = replace(start(engine), state=state)
        step = engine.step(conversation, Incoming("k", text="???"))
        assert "global:danger" in [a.id for a in step.replies[-1].actions], state


def test_switching_language_continues_where_the_conversation_was(engine: Engine) -> None:
    conversation = stored(engine.step(start(engine), Incoming("k", choice="atv")))
    menu = engine.step(conversation, Incoming("k", choice="global:language"))
    assert menu.conversation.state == "atv"
    assert [o.id for o in menu.replies[0].options] == ["language:sv", "language:ar", "language:en"]
    assert [o.label for o in menu.replies[0].options] == ["Svenska", "العربية", "English"]
    step = engine.step(stored(menu), Incoming("k", choice="language:ar"))
    assert step.conversation.state == "atv"
    assert step.conversation.language == "ar"
    assert step.replies[0].text == "ATV طوعي"
    assert step.replies[0].direction == "rtl"
    assert step.replies[0].options[0].label == "رجوع"


def test_a_language_can_be_chosen_by_typing_its_name(engine: Engine) -> None:
    step = engine.step(start(engine), Incoming("k", text="English"))
    assert step.conversation.language == "en"
    assert step.replies[0].text == "Hello"


def test_forget_asks_the_caller_to_delete_everything(engine: Engine) -> None:
    step = engine.step(start(engine, "en"), Incoming("k", text="forget me"))
    assert step.forget is True
    assert step.replies[0].text == "Deleted"
    assert step.transcript == ()


def test_handoff_marks_the_conversation_waiting_for_the_team(engine: Engine) -> None:
    step = engine.step(start(engine), Incoming("k", choice="global:person"))
    assert step.conversation.state == "person"
    assert (step.conversation.status, step.conversation.team) == ("waiting", "support")
    assert step.replies[0].text == "Du står i kö"
    waiting = engine.step(stored(step), Incoming("k", text="Jag behöver prata"))
    assert waiting.replies[0].text == "Sparat"
    assert waiting.conversation.status == "waiting"
    assert waiting.transcript[0].text == "Jag behöver prata"
    left = engine.step(stored(waiting), Incoming("k", choice="back"))
    assert (left.conversation.status, left.conversation.team) == ("bot", None)


@pytest.mark.parametrize("text", ["börja om", "hjälp", "ATV", "English", "glöm mig"])
def test_while_waiting_for_a_person_text_is_kept_for_that_person(engine: Engine, text: str) -> None:
    waiting = stored(engine.step(start(engine), Incoming("k", choice="global:person")))
    step = engine.step(waiting, Incoming("k", text=text))
    assert step.replies[0].text == "Sparat"
    assert (step.conversation.state, step.conversation.status, step.conversation.language) == (
        "person",
        "waiting",
        "sv",
    )
    assert not step.forget


def test_danger_while_waiting_gives_the_emergency_guidance_and_keeps_the_place(engine: Engine) -> None:
    waiting = stored(engine.step(start(engine), Incoming("k", choice="global:person")))
    step = engine.step(waiting, Incoming("k", text="han har en kniv"))
    assert step.replies[0].text == "Ring 112"
    assert (step.conversation.status, step.conversation.team, step.conversation.danger) == (
        "waiting",
        "support",
        True,
    )


@pytest.mark.parametrize(
    "incoming",
    [Incoming("k", text="människa"), Incoming("k", choice="global:person"), Incoming("k", choice="atv")],
)
def test_a_new_conversation_begins_with_the_start_state_whatever_is_asked(
    engine: Engine, incoming: Incoming
) -> None:
    step = engine.step(engine.new_conversation("k", "sv"), incoming)
    assert step.conversation.state == "start"
    assert step.replies[0].text == "Hej"


def test_a_too_long_message_is_refused_kindly_and_not_recorded(engine: Engine) -> None:
    step = engine.step(start(engine), Incoming("k", text="x" * (MAX_TEXT_LENGTH + 1)))
    assert step.replies[0].text == "För långt"
    assert step.conversation.state == "start"
    assert all(e.speaker == "bot" for e in step.transcript)


def test_forget_as_the_very_first_input_starts_nothing(engine: Engine) -> None:
    step = engine.step(engine.new_conversation("k", "sv"), Incoming("k", choice="global:forget"))
    assert step.forget  # the dialogue ends it: nothing is saved
    assert step.replies[0].text == "Raderat"


def test_danger_words_in_a_too_long_message_still_lead_to_the_emergency_state(engine: Engine) -> None:
    text = "hjälp nu " + "x" * (MAX_TEXT_LENGTH + 10)
    for conversation in (start(engine), engine.new_conversation("k", "sv")):
        step = engine.step(conversation, Incoming("k", text=text))
        assert step.conversation.state == "danger"
        assert step.replies[0].text == "Ring 112"


def test_a_conversation_in_a_state_a_publish_removed_starts_over_and_is_told_why(engine: Engine) -> None:
    conversation = replace(start(engine), state="removed_state", flow_version="old")
    step = engine.step(conversation, Incoming("k", text="hej"))
    assert step.conversation.state == "start"
    assert step.conversation.flow_version == "v1"
    assert step.replies[0].text == "Uppdaterat"  # engine-content-changed, said first
    assert step.replies[-1].options  # the person sees where they are and what to do
    assert [e.text for e in step.transcript][:2] == ["hej", "Uppdaterat"]


def test_an_answer_to_a_question_a_publish_removed_is_not_taken_as_an_answer_to_another(
    engine: Engine,
) -> None:
    # "atv" is an option of the start state too: after the move it must not choose it.
    conversation = replace(start(engine), state="removed_state")
    step = engine.step(conversation, Incoming("k", choice="atv"))
    assert step.conversation.state == "start"
    assert step.replies[0].text == "Uppdaterat"


def test_danger_still_acts_from_a_state_a_publish_removed(engine: Engine) -> None:
    conversation = replace(start(engine), state="removed_state")
    step = engine.step(conversation, Incoming("k", text="kniv"))
    assert step.conversation.state == "danger"
    assert step.replies[0].text != "Uppdaterat"


@pytest.mark.parametrize("status", ["waiting", "talking"])
def test_a_person_in_the_queue_keeps_their_place_when_a_publish_removed_their_state(
    engine: Engine, status: str
) -> None:
    conversation = replace(start(engine), state="removed_state", status=status, team="support")
    step = engine.step(conversation, Incoming("k", text="är ni kvar?"))
    assert (step.conversation.status, step.conversation.team) == (status, "support")
    assert step.conversation.state == "person"  # a handoff state: its choices, not the start's
    assert all(r.text != "Uppdaterat" for r in step.replies)
    assert not step.hands_over  # the case is not asked for again


def test_take_content_switches_flows_and_texts_at_once(engine: Engine) -> None:
    other = tiny_engine(TINY_FLOW.replace("say: [hello, ", "say: [about-atv, "))
    before = engine.generation
    engine.take_content(other)
    step = engine.step(engine.new_conversation("k", "sv"), Incoming("k", text="hej"))
    assert step.replies[0].text == "ATV är frivilligt"
    assert engine.generation == before + 1


def test_a_publish_changes_what_was_already_said_and_where_choices_lead(engine: Engine) -> None:
    """The texts, labels and destinations the engine keeps once made belong to one
    content: after a publish, the same steps give the new ones."""
    conversation = start(engine)
    for _ in range(2):  # made, then kept
        step = engine.step(conversation, Incoming("k", choice="atv"))
        assert (step.conversation.state, step.replies[0].text) == ("atv", "ATV är frivilligt")
        assert step.transcript[0].text == "ATV"  # the label of the chosen option
        assert step.replies[0].actions[0].label == "Jag är i fara nu"
    catalogues = {
        lang: parse_catalogue(
            lang,
            [
                CatalogueFile(
                    "main.ftl",
                    catalogue_text(lang)
                    .replace("opt-atv = ATV", "opt-atv = Prata med ATV")
                    .replace("Jag är i fara nu", "Fara"),
                )
            ],
        )[0]
        for lang in ("sv", "en")
    }
    flow = tiny_flow(
        TINY_FLOW.replace("{id: atv, label: opt-atv, goto: atv", "{id: atv, label: opt-atv, goto: other")
    )
    generation = engine.generation
    engine.take_content(Engine([flow], Translator(catalogues)))
    step = engine.step(conversation, Incoming("k", choice="atv"))
    assert (step.conversation.state, step.replies[0].text) == ("other", "Annan hjälp")
    assert step.transcript[0].text == "Prata med ATV"
    assert step.replies[0].actions[0].label == "Fara"
    assert engine.generation == generation + 1


def test_a_choice_the_state_does_not_offer_is_refused_also_after_a_valid_one(engine: Engine) -> None:
    """Where a choice led is kept per state and choice: never for another state."""
    conversation = start(engine)
    assert engine.step(conversation, Incoming("k", choice="atv")).conversation.state == "atv"
    in_atv = stored(engine.step(conversation, Incoming("k", choice="atv")))
    step = engine.step(in_atv, Incoming("k", choice="atv"))  # atv offers only "back"
    assert step.conversation.state == "atv"
    assert step.replies[0].text == "Förstod inte"


def test_machines_are_built_once_per_flow_never_per_message(monkeypatch: pytest.MonkeyPatch) -> None:
    built = []
    real_init = transitions.Machine.__init__

    def counting_init(machine: transitions.Machine, *args: Any, **kwargs: Any) -> None:
        built.append(machine)
        real_init(machine, *args, **kwargs)

    monkeypatch.setattr(transitions.Machine, "__init__", counting_init)
    engine = tiny_engine()
    assert len(built) == 1
    for i in range(50):
        conversation = stored(engine.step(engine.new_conversation(f"k{i}", "sv"), Incoming(f"k{i}")))
        for choice in ("atv", "back", "other", "global:danger"):
            conversation = stored(engine.step(conversation, Incoming(f"k{i}", choice=choice)))
        assert conversation.state == "danger"
    assert len(built) == 1
    assert built[0].models == []  # no conversation is attached to the shared machine


def test_a_too_long_first_message_still_gets_the_safety_check_first(engine: Engine) -> None:
    step = engine.step(engine.new_conversation("k", "sv"), Incoming("k", text="x" * (MAX_TEXT_LENGTH + 1)))
    assert [r.text for r in step.replies] == ["Hej", "Välj ett av 2"]
    assert all(e.speaker == "bot" for e in step.transcript)
