from __future__ import annotations

import json
import logging

from callcenter.i18n import missing_translations, translate
from callcenter.logging_setup import JsonFormatter, TextFormatter


def test_every_english_text_has_a_simplified_chinese_translation() -> None:
    assert missing_translations() == {}


def test_translate_falls_back_to_english_then_to_the_code() -> None:
    assert translate("demo.agents", "zh_CN") == "坐席"
    assert translate("demo.agents", "fr") == "Agents"
    assert translate("no.such.code", "zh_CN") == "no.such.code"
    assert translate("callcenter.config", "en", detail="ami.port") == "The configuration is invalid: ami.port"


def _record(**extra: object) -> logging.LogRecord:
    record = logging.LogRecord("cc.test", logging.INFO, __file__, 1, "login to %s", ("pbx",), None)
    for key, value in extra.items():
        setattr(record, key, value)
    return record


def test_json_log_lines_carry_fields_and_mask_secrets() -> None:
    line = JsonFormatter().format(_record(uniqueid="1795.10", ami_secret="hunter2", password="p"))
    payload = json.loads(line)
    assert payload["msg"] == "login to pbx"
    assert payload["uniqueid"] == "1795.10"
    assert payload["ami_secret"] == "***"
    assert payload["password"] == "***"
    assert "hunter2" not in line


def test_text_log_lines_mask_secrets_too() -> None:
    line = TextFormatter().format(_record(token="abc123", caller="4155550100"))
    assert "caller=4155550100" in line
    assert "abc123" not in line
