"""Errors of the contact lifecycle.

    CallCenterError                 (callcenter.errors)
    └── ContactError                "contact.error"
        └── IllegalContactTransition "contact.illegal_transition"  the lifecycle refused a move

Like the ACD's, each carries a stable ``code``, its ``params`` and an English default message;
people read the translation of ``code`` (``callcenter/i18n_errors.py``).
"""

from __future__ import annotations

from typing import ClassVar

from callcenter.errors import CallCenterError


class ContactError(CallCenterError):
    code = "contact.error"
    template: ClassVar[str] = "contact error"

    def __init__(self, **params: object) -> None:
        self.params: dict[str, object] = params
        super().__init__(self.template.format(**params))


class IllegalContactTransition(ContactError):
    code = "contact.illegal_transition"
    template = "This {kind} cannot {action} while {state} ({reason})"
