"""``callcenter users``: accounts for a real deployment, passwords from a prompt or stdin only."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from typer.testing import CliRunner, Result

from agent_desktop.auth.seed import first_user_hint
from callcenter.cli import app
from crm_core.audit import AuditLog
from crm_core.db import make_engine, make_session_factory, migrate
from crm_core.models_auth import WebSession
from crm_core.passwords import verify_password
from crm_core.users import UserService


class _Clock:
    def now(self) -> float:
        return 0.0


def _config(tmp_path: Path) -> Path:
    config = tmp_path / "site.yaml"
    config.write_text(f"database:\n  url: sqlite:///{tmp_path}/site/cc.sqlite3\n", encoding="utf-8")
    return config


def _users(tmp_path: Path, *args: str, stdin: str = "", lang: str = "en_US.UTF-8") -> Result:
    return CliRunner().invoke(
        app,
        ["users", *args, "--config", str(_config(tmp_path))],
        input=stdin,
        env={"LANG": lang, "LC_ALL": ""},
    )


def _stored(tmp_path: Path, username: str) -> tuple[bool, str] | None:
    """(active, password hash) of ``username`` in the site's database."""
    (tmp_path / "site").mkdir(exist_ok=True)
    migrate(f"sqlite:///{tmp_path}/site/cc.sqlite3")
    engine = make_engine(f"sqlite:///{tmp_path}/site/cc.sqlite3")
    try:
        with make_session_factory(engine)() as session:
            found = UserService(_Clock()).credentials(session, username)
    finally:
        engine.dispose()
    return None if found is None else (found[0].active, found[1])


def test_given_an_empty_site_when_creating_an_admin_at_the_prompt_then_the_password_works(
    tmp_path: Path,
) -> None:
    result = _users(tmp_path, "create", "boss", "--role", "admin", stdin="a-long-password\na-long-password\n")
    assert result.exit_code == 0, result.output
    assert "User boss created with the admin role." in result.output
    assert "a-long-password" not in result.output  # the prompt hides what is typed
    stored = _stored(tmp_path, "boss")
    assert stored is not None
    assert stored[0] is True
    assert verify_password(stored[1], "a-long-password")

    listed = _users(tmp_path, "list")
    assert listed.exit_code == 0, listed.output
    assert listed.output.splitlines()[0].split() == ["Username", "Role", "Agent", "id", "Active"]
    assert listed.output.splitlines()[1].split() == ["boss", "admin", "-", "active"]


def test_given_a_password_on_stdin_when_creating_an_agent_then_the_agent_id_is_required(
    tmp_path: Path,
) -> None:
    refused = _users(
        tmp_path, "create", "li", "--role", "agent", "--password-stdin", stdin="a-long-password\n"
    )
    assert refused.exit_code == 2
    assert "error: User li has the agent role and needs an agent id." in refused.output
    assert _stored(tmp_path, "li") is None

    chinese = _users(
        tmp_path,
        "create",
        "li",
        "--role",
        "agent",
        "--password-stdin",
        stdin="a-long-password\n",
        lang="zh_CN.UTF-8",
    )
    assert "用户 li 是坐席角色，需要填写坐席工号。" in chinese.output

    created = _users(
        tmp_path,
        *("create", "li", "--role", "agent", "--agent-id", "1001", "--language", "zh_CN"),
        *("--timezone", "Asia/Shanghai", "--password-stdin"),
        stdin="a-long-password\n",
    )
    assert created.exit_code == 0, created.output


def test_given_a_password_on_the_command_line_then_it_is_refused_as_an_unknown_option(tmp_path: Path) -> None:
    result = _users(tmp_path, "create", "boss", "--role", "admin", "--password", "a-long-password")
    assert result.exit_code == 2
    assert "No such option" in result.output
    assert _stored(tmp_path, "boss") is None


def test_given_a_short_or_mistyped_password_then_a_clear_error_and_nothing_is_created(tmp_path: Path) -> None:
    short = _users(tmp_path, "create", "boss", "--role", "admin", "--password-stdin", stdin="short\n")
    assert short.exit_code == 2
    assert "error: The password must be 10 to 256 characters long." in short.output
    mistyped = _users(
        tmp_path, "create", "boss", "--role", "admin", stdin="a-long-password\na-long-passwrd\n"
    )
    assert mistyped.exit_code == 2
    assert "error: The two passwords differ; nothing was changed." in mistyped.output
    assert _stored(tmp_path, "boss") is None


def test_given_a_user_when_setting_a_password_disabling_and_enabling_then_each_applies_and_is_audited(
    tmp_path: Path,
) -> None:
    created = _users(
        tmp_path, "create", "sam", "--role", "supervisor", "--password-stdin", stdin="first-password\n"
    )
    assert created.exit_code == 0, created.output
    engine = make_engine(f"sqlite:///{tmp_path}/site/cc.sqlite3")
    try:
        sessions = make_session_factory(engine)
        with sessions.begin() as session:
            sam = UserService(_Clock()).credentials(session, "sam")
            assert sam is not None
            session.add(WebSession(digest="d" * 64, user_id=sam[0].id, created_at=0.0, last_seen=0.0))

        changed = _users(tmp_path, "set-password", "sam", "--password-stdin", stdin="second-password\n")
        assert changed.exit_code == 0, changed.output
        assert "Password of sam changed; their sessions have ended." in changed.output
        stored = _stored(tmp_path, "sam")
        assert stored is not None
        assert verify_password(stored[1], "second-password")
        with sessions() as session:
            assert session.scalars(select(WebSession)).all() == []  # a restart does not bring them back

        assert _users(tmp_path, "disable", "sam").exit_code == 0
        assert _stored(tmp_path, "sam") == (False, stored[1])
        assert _users(tmp_path, "enable", "sam").exit_code == 0
        assert _stored(tmp_path, "sam") == (True, stored[1])

        with sessions() as session:
            entries = AuditLog().recent(session)
        assert [(e.action, e.target, e.actor_role) for e in entries] == [
            ("cli.user_enable", "user:sam", "admin"),
            ("cli.user_disable", "user:sam", "admin"),
            ("cli.user_password", "user:sam", "admin"),
            ("cli.user_create", "user:sam", "admin"),
        ]
        assert all(e.actor.startswith("cli:") for e in entries)
    finally:
        engine.dispose()


def test_given_an_unknown_user_when_disabling_then_one_clear_line_and_exit_2(tmp_path: Path) -> None:
    result = _users(tmp_path, "disable", "nobody")
    assert result.exit_code == 2
    assert result.output.strip() == "error: user nobody does not exist."


def test_given_a_site_without_users_then_serve_says_how_to_create_the_first_one(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/site/cc.sqlite3"
    (tmp_path / "site").mkdir()
    migrate(url)
    engine = make_engine(url)
    try:
        hint = first_user_hint(make_session_factory(engine))
        assert hint is not None
        assert "callcenter users create admin --role admin" in hint
        assert "创建管理员" in (first_user_hint(make_session_factory(engine), "zh_CN") or "")
        created = _users(
            tmp_path, "create", "boss", "--role", "admin", "--password-stdin", stdin="a-long-password\n"
        )
        assert created.exit_code == 0, created.output
        assert first_user_hint(make_session_factory(engine)) is None
    finally:
        engine.dispose()
