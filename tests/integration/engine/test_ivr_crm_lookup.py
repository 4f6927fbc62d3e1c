"""The IVR's CRM lookup adapter over a real (SQLite) CRM."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from callcenter.calls.ivr_adapters import CrmFlowLookup
from crm_core.db import make_engine, make_session_factory, migrate
from crm_core.demo_data import generate


async def test_caller_number_lookup_finds_the_vip_and_other_kinds_are_not_read_as_numbers(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path}/crm.sqlite3"
    migrate(url)
    engine = make_engine(url)
    try:
        generate(engine, 5, seed=1, now=datetime.now(UTC))
        lookup = CrmFlowLookup(make_session_factory(engine), "US")
        found = await lookup.lookup("caller_number", "(415) 555-0100")
        assert found is not None
        assert found["customer_name"] == "Wei Zhang"
        assert found["value_tier"] == "vip"
        # An order number that happens to look like a phone number must not match a customer.
        assert await lookup.lookup("order_number", "4155550100") is None
        assert await lookup.lookup("caller_number", "2125550000") is None
    finally:
        engine.dispose()
