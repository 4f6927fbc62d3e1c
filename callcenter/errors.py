"""Errors of the engine package (adapters have their own trees, e.g. ``callcenter.asterisk.errors``).

CallCenterError
 └── ConfigError      the settings file or environment is wrong (message names the field)
"""

from __future__ import annotations


class CallCenterError(Exception):
    code = "callcenter.error"


class ConfigError(CallCenterError):
    code = "callcenter.config"


class SpeechModelUnavailable(CallCenterError):
    code = "callcenter.speech_unavailable"
