"""The `fristad` command: run, check, chat, user, flows, keys."""

from __future__ import annotations

import argparse
import gc
import logging
import os
import signal
import sys
from dataclasses import replace
from pathlib import Path
from typing import TextIO

import uvloop
from aiohttp import web

from bot.adapters.accounts import ROLES
from bot.adapters.content_files import Content, load_content
from bot.adapters.draining import DRAINING
from bot.app.chat import run_chat
from bot.app.content_cli import export_version, import_files
from bot.app.key_rotation import rotate
from bot.app.logging_setup import configure_logging
from bot.app.settings import Settings, workers_option
from bot.app.users import add_user
from bot.app.web import init_app
from bot.app.workers import DRAIN_SECONDS, WORKER_SHUTDOWN_SECONDS, supervise
from bot.errors import FristadError

log = logging.getLogger("bot")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="fristad", description="Fristad chat service")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run the web server")
    run.add_argument("--host", default="127.0.0.1")
    run.add_argument("--port", type=int, default=8080)
    run.add_argument(
        "--workers", metavar="N", help="worker processes on the same address (default FRISTAD_WORKERS, 1)"
    )
    # Set by the supervisor of --workers for each process it starts: which one it is.
    run.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    check = commands.add_parser("check", help="validate flows and catalogues")
    check.add_argument("--flows", type=Path, help="flows folder (default FRISTAD_FLOWS_DIR)")
    check.add_argument("--locales", type=Path, help="locales folder (default FRISTAD_LOCALES_DIR)")
    chat = commands.add_parser("chat", help="talk to the bot in the terminal")
    chat.add_argument("--lang", default="sv", help="language to start in (default sv)")
    user = commands.add_parser("user", help="staff accounts").add_subparsers(
        dest="user_command", required=True
    )
    add = user.add_parser("add", help="make or replace an account (password from a prompt or stdin)")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--team", action="append", default=[], help="a team the account works in (repeatable)")
    flows = commands.add_parser("flows", help="published content versions").add_subparsers(
        dest="flows_command", required=True
    )
    export = flows.add_parser("export", help="write the published version (or --version N) to the folders")
    export.add_argument("--version", type=int, help="the version to write (default: the current one)")
    imported = flows.add_parser("import", help="publish the folders' flows and catalogues as a new version")
    imported.add_argument("--note", default="", help="what changed, for the version history")
    for sub in (export, imported):
        sub.add_argument("--flows", type=Path, help="flows folder (default FRISTAD_FLOWS_DIR)")
        sub.add_argument("--locales", type=Path, help="locales folder (default FRISTAD_LOCALES_DIR)")
    keys = commands.add_parser("keys", help="encryption keys").add_subparsers(
        dest="keys_command", required=True
    )
    rotate_keys = keys.add_parser(
        "rotate", help="add a new current key to FRISTAD_ENCRYPTION_KEYS_FILE and re-encrypt everything"
    )
    rotate_keys.add_argument(
        "--resume", action="store_true", help="no new key: wait for the workers and re-encrypt (after a stop)"
    )
    args = parser.parse_args(argv)

    try:
        settings = Settings.from_env(os.environ)
        if args.command == "run" and args.workers is not None:
            settings = replace(settings, workers=workers_option(args.workers))
        configure_logging(settings.log_level, settings.log_format)
        if args.command == "check":
            content = load_content(
                args.flows or settings.flows_dir,
                args.locales or settings.locales_dir,
                settings.local_numbers_file,
                settings.teams_file,
            )
            return report(content)
        content = load_content(
            settings.flows_dir, settings.locales_dir, settings.local_numbers_file, settings.teams_file
        )
        if content.problems:
            print("Fristad cannot start: the content is invalid.", file=sys.stderr)
            report(content, out=sys.stderr)
            return 1
        if args.command == "run":
            if args.worker is not None:
                run_worker(settings, content, args.host, args.port)
            elif settings.workers > 1:
                return supervise(settings, args.host, args.port)
            else:
                run_worker(settings, content, args.host, args.port, reuse_port=False)
        elif args.command == "user":
            add_user(settings, content, args.name, args.role, args.team)
        elif args.command == "keys":
            print(rotate(settings, content, args.resume))
        elif args.command == "flows":
            folders = (args.flows or settings.flows_dir, args.locales or settings.locales_dir)
            if args.flows_command == "export":
                print(export_version(settings, content, args.version, *folders))
            else:
                print(import_files(settings, content, *folders, args.note))
        else:
            run_chat(settings, content, args.lang)
    except FristadError as err:
        print(f"fristad: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


def served_app(settings: Settings, content: Content) -> web.Application:
    """The app as `fristad run` serves it: once started, everything made so far (the
    content, the compiled flows, the libraries) is moved out of the garbage collector's
    sight. Its full collections then walk only what turns make, so they stop pausing
    every request in flight for a long moment (web chat p99 at 1,000 conversations:
    242 ms before, see docs/performance.md)."""
    app = init_app(settings, content)

    async def freeze(app: web.Application) -> None:
        gc.collect()
        gc.freeze()

    app.on_startup.append(freeze)  # after the runtime: cleanup contexts start first
    return app


def run_worker(settings: Settings, content: Content, host: str, port: int, reuse_port: bool = True) -> None:
    """One of the processes `supervise` starts (it shares the address with the others), or
    the single `fristad run` (reuse_port False). Both stop the same way on SIGTERM or
    SIGINT, see "Stopping" in docs/architecture.md."""
    loop = uvloop.new_event_loop()  # about a third more turns per second than asyncio's
    app = served_app(settings, content)
    # The supervisor forwards SIGTERM and SIGINT, and a terminal (Ctrl-C) or a service
    # manager may send the same signal to every process as well: only the first one
    # stops the worker, so a second cannot cut its graceful stop short.

    def stop() -> None:
        draining = app[DRAINING]
        if not draining.stopping:
            draining.begin()
            loop.call_later(DRAIN_SECONDS, leave)

    def leave() -> None:
        raise web.GracefulExit()

    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop)
    web.run_app(
        app,
        host=host,
        port=port,
        access_log=None,
        reuse_port=reuse_port,  # the kernel spreads new connections over the workers
        handle_signals=False,
        shutdown_timeout=WORKER_SHUTDOWN_SECONDS,
        loop=loop,
    )


def report(content: Content, out: TextIO | None = None) -> int:
    """Print every problem and the translation coverage; 0 when the content is valid."""
    stream = out or sys.stdout
    for problem in content.problems:
        print(f"error: {problem}", file=stream)
    if content.catalogues:
        print(f"\n{'language':<10}{'messages':>10}{'missing':>10}{'coverage':>10}", file=stream)
        for row in content.coverage:
            print(f"{row.language:<10}{row.messages:>10}{row.missing:>10}{row.percent:>9.1f}%", file=stream)
    flows = (
        ", ".join(
            f"{f.id} ({len(f.states)} states, {len({ref.id for _, ref in f.message_refs()})} messages)"
            for f in content.flows
        )
        or "none"
    )
    verdict = "OK" if not content.problems else f"{len(content.problems)} problem(s)"
    print(f"\nflows: {flows}\n{verdict}", file=stream)
    return 0 if not content.problems else 1


if __name__ == "__main__":
    sys.exit(main())
