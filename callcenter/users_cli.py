"""``callcenter users ...``: the web app's accounts on a real deployment (``serve`` creates none).

A password is read from a hidden prompt (typed twice) or, with ``--password-stdin``, from the first
line of standard input; never from the command line, where other people on the machine can see it.
Every change is audited with the actor ``cli:<login name>``. Messages follow the ``LANG`` of the
shell (``zh_CN...`` for Chinese).
"""

from __future__ import annotations

import contextlib
import getpass
import os
import sys
import time
from collections.abc import Iterator
from enum import Enum
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from sqlalchemy import delete
from sqlalchemy.orm import Session, sessionmaker

from callcenter.clock import SystemClock
from callcenter.errors import ConfigError
from callcenter.i18n import translate
from callcenter.settings import load_settings
from crm_core.audit import AuditLog
from crm_core.db import make_engine, make_session_factory, migrate
from crm_core.errors import CrmError
from crm_core.models_auth import WebSession
from crm_core.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, hash_password
from crm_core.users import UserDraft, UserPatch, UserService, UserView

users_app = typer.Typer(
    help="Web app accounts: create, list, set a password, disable (a real site starts with none).",
    no_args_is_help=True,
)


class RoleName(str, Enum):
    agent = "agent"
    supervisor = "supervisor"
    admin = "admin"


ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", "-c", envvar="CC_CONFIG", help="The settings file `serve` uses (its database)."),
]
StdinOption = Annotated[
    bool,
    typer.Option("--password-stdin", help="Read the password from the first line of standard input."),
]
UsernameArgument = Annotated[str, typer.Argument(help="The sign-in name.")]


def _language() -> str:
    locale = os.environ.get("LC_ALL") or os.environ.get("LC_MESSAGES") or os.environ.get("LANG") or ""
    return "zh_CN" if locale.lower().startswith("zh") else "en"


def _fail(code: str, **params: object) -> NoReturn:
    typer.echo(f"error: {translate(code, _language(), **params)}", err=True)
    raise typer.Exit(2)


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (OSError, KeyError):  # no login name in this environment (a bare container)
        return "cli:unknown"


@contextlib.contextmanager
def _database(config: Path | None) -> Iterator[sessionmaker[Session]]:
    """The sessions of the database ``serve`` uses, migrated (the first command may come first)."""
    try:
        url = load_settings(config).database.url
    except ConfigError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    from callcenter.app import ensure_sqlite_dir  # the engine's modules load only when needed

    ensure_sqlite_dir(url)
    migrate(url)
    engine = make_engine(url)
    try:
        yield make_session_factory(engine)
    finally:
        engine.dispose()


def _read_password(from_stdin: bool) -> str:
    language = _language()
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt(translate("cli.users.password_prompt", language), hide_input=True)
        again = typer.prompt(translate("cli.users.password_again", language), hide_input=True)
        if again != password:
            _fail("cli.users.passwords_differ")
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        _fail("cli.users.password_length", minimum=MIN_PASSWORD_LENGTH, maximum=MAX_PASSWORD_LENGTH)
    return password


def _audit(session: Session, action: str, view: UserView, details: dict[str, str]) -> None:
    AuditLog().record(session, time.time(), _actor(), "admin", action, f"user:{view.username}", details)


def _change(
    config: Path | None, username: str, patch: UserPatch, action: str, details: dict[str, str]
) -> None:
    """Apply ``patch`` to ``username`` with its audit entry, and end the user's stored sessions."""
    users = UserService(SystemClock())
    with _database(config) as db:
        try:
            with db.begin() as session:
                view = users.update(session, users.by_username(session, username).id, patch)
                session.execute(delete(WebSession).where(WebSession.user_id == view.id))
                _audit(session, action, view, details)
        except CrmError as exc:
            _fail(exc.code, **exc.params)


@users_app.command("create")
def create_user(
    username: UsernameArgument,
    role: Annotated[RoleName, typer.Option(help="What the user may do.")],
    agent_id: Annotated[
        str | None, typer.Option("--agent-id", help="The agent id (required for the agent role).")
    ] = None,
    name: Annotated[str, typer.Option(help="Display name.")] = "",
    language: Annotated[str, typer.Option(help="The user's language: en or zh_CN.")] = "en",
    timezone: Annotated[str, typer.Option(help="The user's IANA time zone.")] = "UTC",
    password_stdin: StdinOption = False,
    config: ConfigOption = None,
) -> None:
    """Create a user who can sign in to the web app."""
    password = _read_password(password_stdin)
    draft = UserDraft(username, hash_password(password), role.value, agent_id, name, language, timezone)
    with _database(config) as db:
        try:
            with db.begin() as session:
                view = UserService(SystemClock()).create(session, draft)
                _audit(session, "cli.user_create", view, {"role": view.role, "agent_id": view.agent_id or ""})
        except CrmError as exc:
            _fail(exc.code, **exc.params)
    typer.echo(translate("cli.users.created", _language(), username=view.username, role=view.role))


@users_app.command("list")
def list_users(config: ConfigOption = None) -> None:
    """Every user: name, role, agent id, language, time zone, active."""
    with _database(config) as db, db() as session:
        views = UserService(SystemClock()).list(session)
    language = _language()
    headers = [translate(f"ui.{key}", language) for key in ("username", "role", "agent_id", "active")]
    states = {
        True: translate("cli.users.active", language),
        False: translate("cli.users.disabled_state", language),
    }
    rows = [[v.username, v.role, v.agent_id or "-", states[v.active]] for v in views]
    widths = [max(len(str(row[i])) for row in [headers, *rows]) for i in range(len(headers))]
    for row in [headers, *rows]:
        typer.echo(
            "  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )


@users_app.command("set-password")
def set_password(
    username: UsernameArgument, password_stdin: StdinOption = False, config: ConfigOption = None
) -> None:
    """Give a user a new password; their sessions end."""
    hashed = hash_password(_read_password(password_stdin))
    _change(config, username, UserPatch(password_hash=hashed), "cli.user_password", {"password": "changed"})
    typer.echo(translate("cli.users.password_set", _language(), username=username))


@users_app.command("disable")
def disable_user(username: UsernameArgument, config: ConfigOption = None) -> None:
    """Stop a user from signing in; their sessions end (the account and its history stay)."""
    _change(config, username, UserPatch(active=False), "cli.user_disable", {"active": "False"})
    typer.echo(translate("cli.users.disabled", _language(), username=username))


@users_app.command("enable")
def enable_user(username: UsernameArgument, config: ConfigOption = None) -> None:
    """Let a disabled user sign in again."""
    _change(config, username, UserPatch(active=True), "cli.user_enable", {"active": "True"})
    typer.echo(translate("cli.users.enabled", _language(), username=username))
