"""Errors of the telephony configuration renderer.

TelephonyConfigError
 └── (raised as is) a site description that cannot become a working Asterisk configuration

Each carries a stable ``code`` and ``params`` for translation at the edge, and an English message.
"""

from __future__ import annotations


class TelephonyConfigError(Exception):
    code = "telephony.config"

    def __init__(self, code: str, message: str, **params: object) -> None:
        super().__init__(message)
        self.code = code
        self.params = params
