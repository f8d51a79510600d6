"""The `domovoy` command line."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from backend.settings import SettingsError

DEMO_LOGINS = ("admin", "dispatcher", "technician", "guard", "concierge", "manager", "account", "service")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["ami-replay"]:
        # The simulator parses its own options; argparse's REMAINDER would reject "--listen".
        from backend.telephony.simulator import main as simulator_main

        return simulator_main(argv[1:]) or 0
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        return args.handler(args) or 0
    except SettingsError as error:
        print(f"Configuration error: {error}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="domovoy", description="Domovoy CRM")
    commands = parser.add_subparsers(title="commands")
    _command(commands, "run", _run, "migrate, seed demo data into an empty database, and serve web and worker "
                                    "in one process")
    _command(commands, "serve", _serve, "serve the web application (pages, API, WebSocket)")
    _command(commands, "worker", _worker, "run background jobs (outbox relay, deadlines, telephony)")
    _command(commands, "migrate", _migrate, "apply database migrations")
    importer = _command(commands, "import-buildings", _import_buildings, "import a Reforma GKH registry CSV")
    importer.add_argument("file", type=Path, help="CSV file in the Reforma GKH export format")

    user = commands.add_parser("user", help="manage staff users").add_subparsers(title="user commands")
    create_user = _command(user, "create", _create_user, "create a user; the password is read from standard input")
    create_user.add_argument("login")
    create_user.add_argument("--role", required=True, help="dispatcher, technician, guard, concierge, "
                             "building_manager, account_manager, customer_service or admin")
    create_user.add_argument("--name", default="", help="full name (Фамилия Имя Отчество)")
    create_user.add_argument("--building", type=int, action="append", default=[],
                             help="id of a building in the user's scope; repeat for several")
    create_user.add_argument("--all-buildings", action="store_true", help="scope the user to every building")

    token = commands.add_parser("token", help="manage API tokens").add_subparsers(title="token commands")
    create_token = _command(token, "create", _create_token, "create a personal API token and print it")
    create_token.add_argument("login")
    create_token.add_argument("--name", default="cli", help="what the token is for")

    commands.add_parser("ami-replay", help="serve an AMI simulator that replays captured events "
                        "(--listen HOST:PORT FILE...)")
    return parser


def _command(commands, name: str, handler, help_text: str) -> argparse.ArgumentParser:
    command = commands.add_parser(name, help=help_text, description=help_text)
    command.set_defaults(handler=handler)
    return command


def _run(_args) -> int:
    from backend.runtime import database_url, load_settings, migrate, seed_demo_if_empty
    from backend.server import serve

    settings = load_settings()
    url = database_url(settings)
    migrate(url)
    password = asyncio.run(seed_demo_if_empty(settings, url))
    _print_welcome(settings, password)
    return serve(settings, url, with_worker=True)


def _print_welcome(settings, password: str | None) -> None:
    print(f"\nDomovoy is running at http://{settings.host}:{settings.port}/", flush=True)
    if password is None:
        print("Demo sign-ins: " + ", ".join(DEMO_LOGINS) + " (password as set when the demo was created)\n",
              flush=True)
        return
    print("Demo sign-ins (login / password):", flush=True)
    for login in DEMO_LOGINS:
        print(f"  {login:<12} {password}", flush=True)
    if not settings.demo_password:
        print("This generated password is printed only once; set DOMOVOY_DEMO_PASSWORD to choose it.\n", flush=True)


def _serve(_args) -> int:
    from backend.runtime import database_url, load_settings, migrate
    from backend.server import serve

    settings = load_settings()
    url = database_url(settings)
    migrate(url)
    return serve(settings, url, with_worker=not settings.redis_url)


def _worker(_args) -> int:
    from backend.runtime import database_url, load_settings
    from backend.worker import run_worker

    settings = load_settings()
    asyncio.run(run_worker(settings, database_url(settings)))
    return 0


def _migrate(_args) -> int:
    from backend.runtime import database_url, load_settings, migrate

    settings = load_settings()
    migrate(database_url(settings))
    print("Migrations applied.")
    return 0


def _import_buildings(args) -> int:
    from backend.importer import import_buildings_file

    return import_buildings_file(args.file)


def _create_user(args) -> int:
    from backend.admin_cli import create_user

    password = sys.stdin.readline().rstrip("\n")
    return create_user(args.login, args.role, args.name, password, args.building, args.all_buildings)


def _create_token(args) -> int:
    from backend.admin_cli import create_token

    return create_token(args.login, args.name)


if __name__ == "__main__":
    sys.exit(main())
