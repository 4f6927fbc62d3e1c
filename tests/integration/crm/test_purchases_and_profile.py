from __future__ import annotations

import io

import pytest

from crm_core.customers import CustomerDraft, CustomerPatch, CustomerService
from crm_core.errors import FieldTooLong, NotFound
from crm_core.purchase_import import PurchaseImporter, PurchaseMapping
from crm_core.purchases import refresh_values
from crm_core.value import ValueModel
from tests.crm_conftest_helpers import Db, FakeClock

SALES = """customer,amount,date,currency,reference
(415) 555-0100,"1,250.50",2026-02-20T19:30:00+08:00,usd,pos-1
wei@example.com,80.00,2026-02-27,,pos-2
(415) 555-0100,1250.50,2026-02-20,USD,pos-1
+1 212 555 0199,10,2026-02-01,USD,pos-3
nobody@example.com,10,2026-02-01,USD,pos-4
(415) 555-0100,ten dollars,2026-02-01,USD,pos-5
(415) 555-0100,10,yesterday,USD,pos-6
,10,2026-02-01,USD,pos-7
"""


def test_given_pos_export_when_purchases_imported_then_value_refreshed_and_bad_rows_reported(
    db: Db, clock: FakeClock
) -> None:
    service = CustomerService(clock)
    with db.sessions.begin() as session:
        wei = service.create(
            session, CustomerDraft("Wei Zhang", phones=("4155550100",), emails=("wei@example.com",))
        )
        service.create(session, CustomerDraft("Li Na", phones=("2125550199",)))
        service.create(session, CustomerDraft("Wang Fang", phones=("2125550199",)), shared_number_ok=True)
    with db.sessions.begin() as session:
        report = PurchaseImporter("US").import_csv(session, io.StringIO(SALES), PurchaseMapping())
    assert (report.rows, report.created, report.skipped) == (8, 2, 1)
    assert [(e.row, e.code) for e in report.errors] == [
        (5, "crm.not_found"),  # a shared number: whose purchase?
        (6, "crm.not_found"),
        (7, "crm.invalid_value"),
        (8, "crm.invalid_value"),
        (9, "crm.missing_field"),
    ]
    with db.sessions.begin() as session:
        assert refresh_values(session, ValueModel(), clock, batch=1) == 1
        summary = service.get(session, wei)
    assert summary.lifecycle_stage == "new"
    assert summary.value_score > 1


def test_given_patch_when_updating_profile_then_fields_change_and_bad_patch_changes_nothing(
    db: Db, clock: FakeClock
) -> None:
    service = CustomerService(clock)
    with db.sessions.begin() as session:
        org = service.create(session, CustomerDraft("Jade Garden Group", kind="organisation"))
        cid = service.create(session, CustomerDraft("Li Na"))
        updated = service.update(
            session, cid, CustomerPatch(owner="am-02", opt_out_calls=True, organisation_id=org)
        )
    assert (updated.owner, updated.opt_out_calls, updated.organisation_id) == ("am-02", True, org)
    with pytest.raises(FieldTooLong), db.sessions.begin() as session:
        service.update(session, cid, CustomerPatch(team="t" * 65, owner="am-03"))
    with pytest.raises(NotFound), db.sessions.begin() as session:
        service.update(session, cid, CustomerPatch(organisation_id=cid))
    with db.sessions() as session:
        assert service.get(session, cid).owner == "am-02"
