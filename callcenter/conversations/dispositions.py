"""A chat's or e-mail's wrap-up follows the rules of a call in the same queue: a disposition from
the offered list (``code`` or ``code/sub-code``, two levels), required where the queue says so,
refused with the call wrap-up's own codes (``desktop.disposition_required``,
``desktop.bad_disposition``).

The composition root hands the call wrap-up's list and the queues' rule to the service
(``set_disposition_rules``); until then nothing is required and any code is taken.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from callcenter.conversations.errors import BadInput


class DispositionRequired(BadInput):
    code = "desktop.disposition_required"


class BadDisposition(BadInput):
    code = "desktop.bad_disposition"


@dataclass(frozen=True, slots=True)
class DispositionRules:
    codes: Mapping[str, tuple[str, ...]] | None = None  # code → sub-codes; None: not known
    required: Mapping[str, bool] = field(default_factory=dict)  # queue → a disposition required

    def checked(self, queue: str, disposition: str | None) -> str | None:
        """The disposition to store (``code`` or ``code/sub-code``), or None when none was given."""
        if not disposition:
            if self.required.get(queue, False):
                raise DispositionRequired()
            return None
        if self.codes is None:
            return disposition
        code, _, sub = disposition.partition("/")
        subs = self.codes.get(code)
        if subs is None or (sub and sub not in subs):
            raise BadDisposition()
        return code + (f"/{sub}" if sub else "")
