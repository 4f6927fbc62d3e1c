from __future__ import annotations

import os
from pathlib import Path

import pytest

from callcenter.errors import ConfigError
from callcenter.settings import load_settings


def test_defaults_are_the_embedded_demo_defaults() -> None:
    settings = load_settings()
    assert settings.database.url.startswith("sqlite:///")
    assert settings.agi.allowed_hosts == ("127.0.0.1", "::1")
    assert settings.ami.secret.get_secret_value() == "enginepass"
    assert "enginepass" not in repr(settings)


def test_yaml_file_is_read_and_environment_overrides_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "site.yaml"
    config.write_text("ami:\n  host: 10.1.2.3\n  secret: fromfile\nagi:\n  allowed_hosts: [10.1.2.0/24]\n")
    monkeypatch.setenv("CC_AMI__SECRET", "fromenv")
    settings = load_settings(config)
    assert settings.ami.host == "10.1.2.3"
    assert settings.ami.secret.get_secret_value() == "fromenv"
    assert settings.agi.allowed_hosts == ("10.1.2.0/24",)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("ami: [1, 2", "is not valid YAML"),
        ("- just\n- a list\n", "must hold a mapping of sections, not list"),
        ("ami:\n  port: 70000\n", "ami.port: Input should be less than or equal to 65535"),
        ("agi:\n  allowed_hosts: [everyone]\n", "'everyone' is not an IP address or network"),
        ("web:\n  trusted_proxies: [proxy.local]\n", "web.trusted_proxies: 'proxy.local' is not an IP"),
        ("web:\n  allowed_origins: [crm.example.com]\n", "'crm.example.com' is not an origin"),
        ("web:\n  allowed_origins: ['https://crm.example.com/app']\n", "write it as https://host[:port]"),
        ("web:\n  session_idle_minutes: 0\n", "web.session_idle_minutes: Input should be greater than 0"),
        ("amii:\n  host: x\n", "amii: Extra inputs are not permitted"),
        ("dialplan:\n  agent_endpoint_template: agent\n", "must contain {agent}"),
        ("agents:\n  - {agent_id: '1', name: A, skills: {sales: 9}}\n", "skill 'sales' has level 9"),
        ("ami:\n  lease_redis_url: http://10.0.0.7\n", "ami.lease_redis_url must be a Redis URL"),
        ("ami:\n  engine_id: 'a|b'\n", "ami.engine_id must be 1 to 100 printable characters without '|'"),
        ("ami:\n  lease_ttl_s: 0.1\n", "ami.lease_ttl_s: Input should be greater than or equal to 0.3"),
    ],
)
def test_bad_config_gives_one_clear_error_naming_the_field(
    tmp_path: Path, content: str, message: str
) -> None:
    config = tmp_path / "site.yaml"
    config.write_text(content)
    with pytest.raises(ConfigError) as caught:
        load_settings(config)
    assert message in str(caught.value)
    assert str(config) in str(caught.value)


def test_missing_config_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"cannot read config file .*nope\.yaml"):
        load_settings(tmp_path / "nope.yaml")


def test_the_ami_lease_is_off_by_default_and_each_engine_process_has_its_own_id() -> None:
    ami = load_settings().ami
    assert ami.owner_lease is False
    assert ami.lease_redis_url == "redis://127.0.0.1:6379/0"
    assert ami.lease_ttl_s == 5.0
    assert ami.engine_id.endswith(f"-{os.getpid()}")
