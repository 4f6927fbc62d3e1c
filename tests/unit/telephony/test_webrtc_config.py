"""The agents' browser phones on Asterisk: the rendered pjsip.conf / http.conf and the passwords."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from typer.testing import CliRunner

from callcenter.asterisk.pbx_adapter import agent_endpoint
from callcenter.cli import app
from callcenter.errors import ConfigError
from callcenter.logging_setup import JsonFormatter, TextFormatter
from callcenter.settings import load_settings
from callcenter.webrtc_phones import agent_phone, supervisor_channel, supervisor_phone, webrtc_site
from telephony_config.errors import TelephonyConfigError
from telephony_config.webrtc import (
    WebRtcSite,
    default_ws_url,
    endpoint_names,
    render_http,
    render_pjsip,
    sip_password,
)

SECRET = "correct-horse-battery-staple"
# printf agent-1001 | openssl dgst -sha256 -hmac correct-horse-battery-staple
KNOWN_PASSWORD = "e9d71d92fb0e1f004098d8dcc2f78317524effbc4a134f7d6566ca4f9f756fbe"


def sections(text: str) -> list[tuple[str, dict[str, str]]]:
    """Asterisk config as (section, options) in order; a name may repeat (endpoint, auth, aor)."""
    out: list[tuple[str, dict[str, str]]] = []
    for raw in text.splitlines():
        line = raw.split(";", 1)[0].strip()
        if line.startswith("[") and line.endswith("]"):
            out.append((line[1:-1], {}))
        elif "=" in line:
            key, _, value = line.partition("=")
            out[-1][1][key.strip()] = value.strip()
    return out


def of_type(text: str, kind: str) -> dict[str, dict[str, str]]:
    return {name: options for name, options in sections(text) if options.get("type") == kind}


def test_given_a_secret_when_deriving_then_the_password_is_hmac_sha256_of_the_endpoint_name() -> None:
    assert sip_password(SECRET, "agent-1001") == KNOWN_PASSWORD
    assert sip_password(SECRET, "agent-1002") != KNOWN_PASSWORD
    assert sip_password(SECRET + "x", "agent-1001") != KNOWN_PASSWORD


@pytest.mark.parametrize("secret", ["", "short-secret"])
def test_given_no_or_a_short_secret_when_deriving_then_it_refuses(secret: str) -> None:
    with pytest.raises(TelephonyConfigError) as error:
        sip_password(secret, "agent-1001")
    assert error.value.code == "telephony.no_password_secret"


def test_given_three_agents_when_rendering_pjsip_then_each_has_endpoint_auth_and_aor() -> None:
    site = WebRtcSite(
        ("agent-1001", "agent-1002", "agent-1003"), "ws://10.0.0.5:8088/ws", password_secret=SECRET
    )
    text = render_pjsip(site)
    endpoints, auths, aors = of_type(text, "endpoint"), of_type(text, "auth"), of_type(text, "aor")
    assert set(endpoints) == set(auths) == set(aors) == {"agent-1001", "agent-1002", "agent-1003"}
    first = endpoints["agent-1001"]
    assert first == {
        "type": "endpoint",
        "context": "from-agents",
        "disallow": "all",
        "allow": "ulaw,alaw",
        "webrtc": "yes",
        "auth": "agent-1001",
        "aors": "agent-1001",
    }
    assert auths["agent-1001"] == {
        "type": "auth",
        "auth_type": "userpass",
        "username": "agent-1001",
        "password": KNOWN_PASSWORD,
    }
    assert aors["agent-1003"] == {"type": "aor", "max_contacts": "1", "remove_existing": "yes"}
    assert of_type(text, "transport") == {"transport-ws": {"type": "transport", "protocol": "ws"}}
    assert of_type(text, "global")["global"]["endpoint_identifier_order"] == "auth_username,username,ip"


def test_given_a_wss_url_when_rendering_then_the_transport_and_http_server_use_tls() -> None:
    site = WebRtcSite(("agent-1",), "wss://pbx.example.com:8443/ws", password_secret=SECRET)
    assert of_type(render_pjsip(site), "transport")["transport-ws"]["protocol"] == "wss"
    general = dict(sections(render_http(site)))["general"]
    assert general["tlsenable"] == "yes"
    assert general["tlsbindaddr"] == "0.0.0.0:8443"
    assert "bindport" not in general


def test_given_a_plain_ws_url_on_an_address_when_rendering_http_then_it_binds_there() -> None:
    site = WebRtcSite(("a-1",), "ws://127.0.0.1:8088/ws", password_secret=SECRET)
    general = dict(sections(render_http(site)))["general"]
    assert general == {"enabled": "yes", "bindaddr": "127.0.0.1", "bindport": "8088"}


@pytest.mark.parametrize("url", ["http://pbx:8088/ws", "pbx:8088", "ws://"])
def test_given_a_url_that_is_no_websocket_when_building_the_site_then_it_refuses(url: str) -> None:
    with pytest.raises(TelephonyConfigError) as error:
        WebRtcSite(("agent-1",), url, password_secret=SECRET)
    assert error.value.code == "telephony.bad_ws_url"


def test_given_a_template_making_bad_or_equal_names_when_naming_endpoints_then_it_refuses() -> None:
    with pytest.raises(TelephonyConfigError, match="may only hold"):
        endpoint_names("agent {agent}", ("1001",))
    with pytest.raises(TelephonyConfigError) as error:
        endpoint_names("agent-{agent}", ("1001", "1001"))
    assert error.value.code == "telephony.duplicate_endpoint"


def test_given_settings_when_building_the_site_then_endpoint_names_are_those_the_engine_dials() -> None:
    settings = load_settings(
        None,
        ami={"host": "pbx.internal"},
        dialplan={"agent_endpoint_template": "web{agent}x"},
        webrtc={"password_secret": SECRET},
    )
    site = webrtc_site(settings)
    assert site.endpoints == tuple(agent_endpoint(settings.dialplan, a.agent_id) for a in settings.agents)
    assert site.endpoints[0] == "web1001x"
    assert site.ws_url == default_ws_url("pbx.internal") == "ws://pbx.internal:8088/ws"
    assert SECRET not in repr(site)


def test_given_settings_when_an_agent_asks_then_the_phone_has_its_uri_and_own_password() -> None:
    settings = load_settings(
        None, ami={"host": "::1"}, webrtc={"password_secret": SECRET, "sip_domain": "pbx.example.com"}
    )
    phone = agent_phone(settings, "1001")
    assert phone.endpoint == phone.authorization_user == "agent-1001"
    assert phone.ws_url == "ws://[::1]:8088/ws"
    assert phone.sip_uri == "sip:agent-1001@pbx.example.com"
    assert phone.password == KNOWN_PASSWORD
    assert KNOWN_PASSWORD not in repr(phone)


def test_given_a_short_password_secret_when_loading_settings_then_it_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match=r"webrtc\.password_secret"):
        load_settings(None, webrtc={"password_secret": "too-short"})
    with pytest.raises(ConfigError, match=r"webrtc\.ws_url"):
        load_settings(None, webrtc={"ws_url": "http://pbx:8088/ws"})


def test_given_a_config_file_when_the_cli_renders_then_it_prints_both_snippets(tmp_path: Path) -> None:
    config = tmp_path / "site.yaml"
    config.write_text(f"webrtc:\n  password_secret: {SECRET}\n  ws_url: wss://pbx.example.com:8089/ws\n")
    result = CliRunner().invoke(app, ["telephony", "webrtc-config", "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert of_type(result.output, "auth")["agent-1001"]["password"] == KNOWN_PASSWORD
    assert "tlsbindaddr = 0.0.0.0:8089" in result.output


def test_given_an_out_dir_when_the_cli_renders_then_the_files_are_private(tmp_path: Path) -> None:
    config = tmp_path / "site.yaml"
    config.write_text(f"webrtc:\n  password_secret: {SECRET}\n")
    out = tmp_path / "asterisk"
    result = CliRunner().invoke(app, ["telephony", "webrtc-config", "-c", str(config), "--out-dir", str(out)])
    assert result.exit_code == 0, result.output
    assert KNOWN_PASSWORD not in result.output
    assert (out / "pjsip_webrtc.conf").stat().st_mode & 0o777 == 0o600
    assert KNOWN_PASSWORD in (out / "pjsip_webrtc.conf").read_text()
    assert "bindport = 8088" in (out / "http_webrtc.conf").read_text()


def test_given_no_secret_when_the_cli_renders_then_it_exits_2_with_a_message(tmp_path: Path) -> None:
    config = tmp_path / "site.yaml"
    config.write_text("ami:\n  host: 10.0.0.5\n")
    result = CliRunner().invoke(app, ["telephony", "webrtc-config", "--config", str(config)])
    assert result.exit_code == 2
    assert "webrtc.password_secret must be set" in result.output


def test_given_the_secret_in_settings_when_printed_or_logged_then_it_is_masked(tmp_path: Path) -> None:
    config = tmp_path / "site.yaml"
    config.write_text(f"webrtc:\n  password_secret: {SECRET}\n")
    shown = CliRunner().invoke(app, ["check-config", "--config", str(config)])
    assert shown.exit_code == 0
    assert SECRET not in shown.output
    record = logging.LogRecord("t", logging.INFO, __file__, 1, "phone settings", None, None)
    record.password_secret = SECRET
    record.sip_password = KNOWN_PASSWORD
    for formatter in (JsonFormatter(), TextFormatter()):
        line = formatter.format(record)
        assert SECRET not in line
        assert KNOWN_PASSWORD not in line


def test_given_supervisors_without_desk_phones_when_rendering_then_each_gets_a_console_endpoint() -> None:
    settings = load_settings(None, webrtc={"password_secret": SECRET, "supervisors": ["maria", "li.wei"]})
    site = webrtc_site(settings)
    assert site.endpoints[-2:] == ("supervisor-maria", "supervisor-li.wei")
    auth = of_type(render_pjsip(site), "auth")
    assert auth["supervisor-maria"]["password"] == sip_password(SECRET, "supervisor-maria")
    assert of_type(render_pjsip(site), "endpoint")["supervisor-maria"]["webrtc"] == "yes"
    phone = supervisor_phone(settings, "maria")
    assert phone is not None
    assert (phone.endpoint, phone.password) == ("supervisor-maria", sip_password(SECRET, "supervisor-maria"))
    assert supervisor_phone(settings, "boss") is None


def test_given_a_supervisor_when_choosing_the_spy_leg_then_the_console_phone_or_the_desk_phone_rings() -> (
    None
):
    settings = load_settings(
        None,
        dialplan={"supervisor_channel_template": "PJSIP/desk-{supervisor}"},
        webrtc={"password_secret": SECRET, "supervisors": ["maria"]},
    )
    assert supervisor_channel(settings, "maria") == "PJSIP/supervisor-maria"
    assert supervisor_channel(settings, "boss") == "PJSIP/desk-boss"


def test_given_a_supervisor_name_that_is_no_endpoint_name_when_loading_settings_then_it_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"webrtc\.supervisors"):
        load_settings(None, webrtc={"supervisors": ["li wei"]})
