"""The crm_core exception tree.

    CrmError                      every error raised on purpose by crm_core
    ├── ValidationError           input a person can fix
    │   ├── InvalidPhoneNumber    crm.invalid_phone
    │   ├── InvalidEmail          crm.invalid_email
    │   ├── FieldTooLong          crm.field_too_long
    │   ├── MissingField          crm.missing_field
    │   ├── InvalidValue          crm.invalid_value
    │   ├── InvalidImportMapping  crm.import.invalid_mapping
    │   ├── UnclosedQuote, MisplacedQuote, UnreadableLine, ValueOverLines, ExtraValues,
    │   │   NotUtf8, UnreadableWorkbook   crm.import.*: a file or a line that cannot be read
    │   └── SearchHasNoTerms      crm.search.no_terms
    ├── NumberInUse               crm.number_in_use
    ├── NotFound                  crm.not_found
    ├── InsufficientPoints        crm.points.insufficient
    └── IllegalTicketTransition   crm.ticket.illegal_transition

Each error carries a stable ``code``, a ``params`` dict (for translation at the edge) and an
English default message.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar


class CrmError(Exception):
    code: ClassVar[str] = "crm.error"
    template: ClassVar[str] = "CRM error"

    def __init__(self, **params: object) -> None:
        self.params: Mapping[str, object] = dict(params)
        super().__init__(self.template.format(**params))

    @property
    def message(self) -> str:
        return str(self)


class ValidationError(CrmError):
    code = "crm.invalid"
    template = "Invalid input"


class InvalidPhoneNumber(ValidationError):
    code = "crm.invalid_phone"
    template = "{number!r} is not a valid phone number (default region {region})"


class InvalidEmail(ValidationError):
    code = "crm.invalid_email"
    template = "{email!r} is not a valid e-mail address"


class FieldTooLong(ValidationError):
    code = "crm.field_too_long"
    template = "{field} is {length} characters long; the maximum is {max_length}"


class MissingField(ValidationError):
    code = "crm.missing_field"
    template = "{field} is required"


class InvalidValue(ValidationError):
    code = "crm.invalid_value"
    template = "{field} cannot be {value!r}; allowed: {allowed}"


class InvalidImportMapping(ValidationError):
    code = "crm.import.invalid_mapping"
    template = "Column mapping is invalid: {reason}"


class UnclosedQuote(ValidationError):
    code = "crm.import.unclosed_quote"
    template = "A quoted value opened on this line is never closed"


class MisplacedQuote(ValidationError):
    code = "crm.import.misplaced_quote"
    template = "A quote is misplaced: a quoted value must end at a comma or at the end of the line"


class UnreadableLine(ValidationError):
    code = "crm.import.unreadable_line"
    template = "This line cannot be read as CSV: {reason}"


class ValueOverLines(ValidationError):
    code = "crm.import.value_over_lines"
    template = "{column} runs over several lines: a quote is probably not closed"


class ExtraValues(ValidationError):
    code = "crm.import.extra_values"
    template = "This line has {count} values; the header has {expected}"


class NotUtf8(ValidationError):
    code = "crm.import.not_utf8"
    template = "The file is not UTF-8 text (line {line}): save it as CSV UTF-8 and import it again"


class UnreadableWorkbook(ValidationError):
    code = "crm.import.bad_workbook"
    template = "The file cannot be read as an Excel workbook ({reason})"


class SearchHasNoTerms(ValidationError):
    code = "crm.search.no_terms"
    template = "{text!r} has no letters or digits to search for"


class NumberInUse(CrmError):
    """The number already belongs to other customers; creating one more needs a confirmation."""

    code = "crm.number_in_use"
    template = "{number} already belongs to {customers}"


class NotFound(CrmError):
    code = "crm.not_found"
    template = "{kind} {key} does not exist"


class InsufficientPoints(CrmError):
    code = "crm.points.insufficient"
    template = "Customer {customer_id} has {balance} points; cannot take {requested}"


class IllegalTicketTransition(CrmError):
    code = "crm.ticket.illegal_transition"
    template = "Ticket {ticket_id} cannot go from {current} to {target}"
