"""Numbers a 64-bit database column cannot hold are refused as bad input (422), never a 500."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.integration.desktop.conftest import Desktop

TOO_BIG = 2**63  # one past the largest BIGINT
TOO_SMALL = -(2**63) - 1


async def _refused(response: httpx.Response) -> None:
    assert response.status_code == 422, (response.request.url, response.text)
    assert response.json()["code"] == "desktop.invalid_request"


@pytest.mark.parametrize("number", [TOO_BIG, TOO_SMALL])
async def test_given_an_agent_when_ids_out_of_the_64_bit_range_are_sent_then_422_not_500(
    desktop: Desktop, number: int
) -> None:
    requests: list[tuple[str, str, dict[str, Any]]] = [
        ("GET", f"/api/customers/{number}", {}),
        ("GET", "/api/customers", {"params": {"q": "Wei", "limit": number}}),
        ("GET", "/api/agent/history", {"params": {"limit": number}}),
        ("POST", "/api/agent/wrap-up", {"json": {"uniqueid": "x", "ticket": {"id": number}}}),
        ("POST", "/api/agent/dial", {"json": {"number": "4155550100", "customer_id": number}}),
    ]
    async with desktop.signed_in("agent1002") as agent:
        for method, path, options in requests:
            await _refused(await agent.request(method, path, **options))


@pytest.mark.parametrize("number", [TOO_BIG, TOO_SMALL])
async def test_given_an_admin_when_ids_out_of_the_64_bit_range_are_sent_then_422_not_500(
    desktop: Desktop, number: int
) -> None:
    async with desktop.signed_in("admin") as admin:
        await _refused(await admin.patch(f"/api/admin/users/{number}", json={"display_name": "X"}))
        await _refused(await admin.get("/api/supervisor/audit", params={"limit": number}))


async def test_given_the_largest_id_when_asked_for_then_it_is_simply_not_found(desktop: Desktop) -> None:
    async with desktop.signed_in("admin") as admin:
        assert (await admin.get(f"/api/customers/{2**63 - 1}")).status_code == 404
        assert (
            await admin.patch(f"/api/admin/users/{2**63 - 1}", json={"display_name": "X"})
        ).status_code == 404
