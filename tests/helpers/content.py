"""Small content sets for tests, built from text so each test shows what it uses."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.core.casework import CASEWORK_MESSAGES
from bot.core.engine import ENGINE_MESSAGES, Engine
from bot.core.flow import Flow, parse_flow
from bot.core.handoff import HANDOFF_MESSAGES
from bot.core.translator import Catalogue, CatalogueFile, Translator, parse_catalogue

ROOT = Path(__file__).resolve().parents[2]
# The languages Fristad ships, each complete (docs/facts/help-services.md, "Languages").
SHIPPED_LANGUAGES = ("sv", "en", "ar", "fa", "fi", "uk", "pl")

GLOBALS = """
global_actions:
  danger:
    label: action-danger
    goto: danger
    button: true
    keywords: {sv: [kniv, hjälp nu], en: [knife, help now], ar: [سكين]}
  person: {label: action-person, goto: person, keywords: {sv: [människa], en: [human], ar: [إنسان]}}
  restart: {label: action-restart, goto: start, keywords: {sv: [börja om], en: [restart], ar: [من جديد]}}
  language: {label: action-language, keywords: {sv: [språk], en: [language], ar: [اللغة]}}
  forget: {label: action-forget, keywords: {sv: [glöm mig], en: [forget me], ar: [احذفني]}}
  help: {label: action-help, goto: start, keywords: {sv: [hjälp], en: [help], ar: [مساعدة]}}
"""

TINY_FLOW = (
    """
id: main
start: start
variables: {emergency: "112"}
"""
    + GLOBALS
    + """
states:
  start:
    say: [hello, {id: pick, vars: {count: "2"}}]
    options:
      - {id: atv, label: opt-atv, goto: atv, keywords: {sv: [atv], en: [atv]}}
      - {label: opt-other, goto: other}
  atv:
    say: about-atv
    options:
      - {id: back, label: opt-back, goto: start}
  other:
    keywords: {sv: [annan hjälp], en: [other help]}
    say: about-other
    options:
      - {id: back, label: opt-back, goto: start}
  danger:
    danger: true
    say: call-emergency
    options:
      - {id: back, label: opt-back, goto: start}
  person:
    handoff: support
    say: waiting
    options:
      - {id: back, label: opt-back, goto: start}
"""
)

_ENGINE_TEXTS = {
    "sv": "Förstod inte|Välj språk|Raderat|Sparat|För långt|Uppdaterat",
    "en": "Did not understand|Choose language|Deleted|Saved|Too long|Updated",
    "ar": "لم أفهم|اختر اللغة|تم الحذف|تم الحفظ|طويل جدا|تم التحديث",
}

_TEXTS = {
    "sv": {
        "language-name": "Svenska", "hello": "Hej", "pick": "Välj ett av { $count }",
        "opt-atv": "ATV", "opt-other": "Annat", "opt-back": "Tillbaka",
        "about-atv": "ATV är frivilligt", "about-other": "Annan hjälp",
        "call-emergency": "Ring { $emergency }", "waiting": "Du står i kö",
        "action-danger": "Jag är i fara nu", "action-person": "Prata med en person",
        "action-restart": "Börja om", "action-language": "Byt språk",
        "action-forget": "Radera", "action-help": "Hjälp",
    },
    "en": {
        "language-name": "English", "hello": "Hello", "pick": "Pick one of { $count }",
        "opt-atv": "ATV", "opt-other": "Other", "opt-back": "Back",
        "about-atv": "ATV is voluntary", "about-other": "Other help",
        "call-emergency": "Call { $emergency }", "waiting": "You are in the queue",
        "action-danger": "I am in danger now", "action-person": "Talk to a person",
        "action-restart": "Start over", "action-language": "Change language",
        "action-forget": "Delete", "action-help": "Help",
    },
    "ar": {
        "language-name": "العربية", "hello": "مرحبا", "pick": "اختر واحدا من { $count }",
        "opt-atv": "ATV", "opt-other": "أخرى", "opt-back": "رجوع",
        "about-atv": "ATV طوعي", "about-other": "مساعدة أخرى",
        "call-emergency": "اتصل بـ { $emergency }", "waiting": "أنت في الانتظار",
        "action-danger": "أنا في خطر الآن", "action-person": "التحدث مع شخص",
        "action-restart": "ابدأ من جديد", "action-language": "تغيير اللغة",
        "action-forget": "حذف", "action-help": "مساعدة",
    },
}  # fmt: skip


_HANDOFF_TEXTS = {
    "sv": "Nummer { $position }.|Cirka { $minutes } min.|Ingen från { $team } är här. Ring { $emergency }.|Ingen svarar. Ring { $emergency }.",
    "en": "Number { $position }.|About { $minutes } min.|Nobody from { $team } is here. Call { $emergency }.|No answer. Call { $emergency }.",
    "ar": "رقم { $position }.|{ $minutes } دقيقة.|لا أحد من { $team } هنا. اتصل بـ { $emergency }.|لا أحد يرد. اتصل بـ { $emergency }.",
}


def catalogue_text(language: str) -> str:
    texts = dict(_TEXTS[language])
    texts.update(zip(ENGINE_MESSAGES, _ENGINE_TEXTS[language].split("|"), strict=True))
    texts.update(zip(HANDOFF_MESSAGES, _HANDOFF_TEXTS[language].split("|"), strict=True))
    texts.update({message_id: f"{message_id} {{ $team }}" for message_id in CASEWORK_MESSAGES})
    texts["option-end-conversation"] = {"sv": "Avsluta", "en": "End", "ar": "إنهاء"}[language]
    return "".join(f"{key} = {value}\n" for key, value in texts.items())


def tiny_flow(text: str = TINY_FLOW) -> Flow:
    flow, problems = parse_flow(yaml.safe_load(text), "flows/main.yaml", "v1")
    assert flow is not None, problems
    return flow


def tiny_catalogues(languages: tuple[str, ...] = ("sv", "en", "ar")) -> dict[str, Catalogue]:
    catalogues = {}
    for lang in languages:
        catalogue, problems = parse_catalogue(
            lang, [CatalogueFile(f"locales/{lang}/main.ftl", catalogue_text(lang))]
        )
        assert not problems, problems
        catalogues[lang] = catalogue
    return catalogues


def tiny_engine(flow_text: str = TINY_FLOW) -> Engine:
    return Engine([tiny_flow(flow_text)], Translator(tiny_catalogues()))


def write_chain_content(folder: Path, length: int) -> tuple[Path, Path]:
    """A flow s0 -> s1 -> ... -> s<length> where every state offers the option "next":
    after k turns choosing "next", a conversation is in state s<k> unless a turn was lost."""
    states = "\n".join(
        f"  s{i}:\n    say: hello\n    options:\n      - {{id: next, label: opt-atv, goto: s{i + 1}}}"
        for i in range(length)
    )
    states += f"\n  s{length}:\n    say: waiting\n    handoff: support\n"
    states += (
        "  danger: {say: call-emergency, danger: true, options: [{id: back, label: opt-back, goto: s0}]}\n"
    )
    states += "  person: {say: waiting, handoff: support}\n"
    globals_ = GLOBALS.replace("goto: start", "goto: s0")
    flow = f'id: main\nstart: s0\nvariables: {{emergency: "112"}}\n{globals_}\nstates:\n{states}'
    flows, locales = folder / "flows", folder / "locales"
    flows.mkdir(parents=True)
    (flows / "main.yaml").write_text(flow, encoding="utf-8")
    for lang in ("sv", "en"):
        (locales / lang).mkdir(parents=True)
        (locales / lang / "main.ftl").write_text(catalogue_text(lang), encoding="utf-8")
    return flows, locales
