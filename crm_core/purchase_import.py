"""Purchase import (CSV rows from a POS or shop export) feeding the value model.

The customer is found by phone number or e-mail address; amounts are in major units ("12.50");
dates are ISO 8601, naive ones are read in ``default_timezone``. One SAVEPOINT per row, as for customers.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from decimal import Decimal, InvalidOperation
from typing import IO
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crm_core import phones
from crm_core.errors import CrmError, InvalidImportMapping, InvalidValue, MissingField, NotFound
from crm_core.import_files import Row
from crm_core.importer import ImportReport, Progress, RowError
from crm_core.models import CustomerEmail, CustomerPhone, Purchase
from crm_core.purchases import PurchaseDraft, record_purchase
from crm_core.validation import normalize_email


@dataclass(frozen=True, slots=True)
class PurchaseMapping:
    customer: str = "customer"  # a phone number or an e-mail address
    amount: str = "amount"
    occurred_at: str = "date"
    currency: str | None = "currency"
    description: str | None = None
    external_ref: str | None = "reference"

    def check(self, headers: Iterable[str]) -> None:
        wanted = {
            self.customer,
            self.amount,
            self.occurred_at,
            self.currency,
            self.description,
            self.external_ref,
        }
        missing = sorted(c for c in wanted - set(headers) if c)
        if missing:
            raise InvalidImportMapping(reason=f"columns not in the file: {', '.join(missing)}")


class PurchaseImporter:
    def __init__(
        self, default_region: str = "US", default_timezone: str = "UTC", currency: str = "USD"
    ) -> None:
        self.default_region = default_region
        self.timezone: tzinfo = ZoneInfo(default_timezone)
        self.currency = currency

    def import_csv(
        self, session: Session, stream: IO[str], mapping: PurchaseMapping, *, progress: Progress | None = None
    ) -> ImportReport:
        reader = csv.DictReader(stream)
        mapping.check(reader.fieldnames or ())
        created = skipped = done = 0
        errors: list[RowError] = []
        for done, row in enumerate(reader, start=1):
            try:
                with session.begin_nested():
                    draft = self._draft(session, row, mapping)
                    before = draft.external_ref is not None and self._known_ref(session, draft.external_ref)
                    record_purchase(session, draft)
                skipped += before
                created += not before
            except CrmError as error:
                errors.append(RowError(done + 1, error.code, error.message, dict(error.params)))
            except IntegrityError as error:
                errors.append(RowError(done + 1, "crm.import.conflict", str(error.orig).splitlines()[0]))
            if progress is not None and done % 500 == 0:
                progress(done, None)
        if progress is not None:
            progress(done, done)
        return ImportReport(done, created, 0, skipped, tuple(errors))

    def _draft(self, session: Session, row: Row, mapping: PurchaseMapping) -> PurchaseDraft:
        who = _text(row, mapping.customer, required=True)
        return PurchaseDraft(
            customer_id=self._customer(session, who),
            amount_minor=_minor_units(_text(row, mapping.amount, required=True)),
            occurred_at=self._moment(_text(row, mapping.occurred_at, required=True)),
            currency=(_text(row, mapping.currency) or self.currency).upper(),
            description=_text(row, mapping.description) or None,
            external_ref=_text(row, mapping.external_ref) or None,
        )

    def _customer(self, session: Session, who: str) -> int:
        if "@" in who:
            query = select(CustomerEmail.customer_id).where(CustomerEmail.email == normalize_email(who))
        else:
            e164 = phones.normalize(who, self.default_region)
            query = select(CustomerPhone.customer_id).where(CustomerPhone.e164 == e164)
        found = session.scalars(query.limit(2)).all()
        if len(found) != 1:  # unknown, or a shared number: we cannot tell whose purchase it is
            raise NotFound(kind="customer", key=who)
        return found[0]

    def _moment(self, text: str) -> datetime:
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            raise InvalidValue(field="date", value=text, allowed="ISO 8601 dates") from None
        return value if value.tzinfo is not None else value.replace(tzinfo=self.timezone)

    @staticmethod
    def _known_ref(session: Session, ref: str) -> bool:
        return session.scalar(select(Purchase.id).where(Purchase.external_ref == ref)) is not None


def _text(row: Row, column: str | None, *, required: bool = False) -> str:
    value = "" if not column or row.get(column) is None else str(row.get(column)).strip()
    if required and not value:
        raise MissingField(field=column or "?")
    return value


def _minor_units(text: str) -> int:
    try:
        amount = Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise InvalidValue(field="amount", value=text, allowed="decimal amounts such as 12.50") from None
    if not amount.is_finite() or abs(amount) > Decimal(10) ** 12:
        raise InvalidValue(field="amount", value=text, allowed="decimal amounts such as 12.50")
    return int((amount * 100).to_integral_value())
