"""GET /api/customers: ranked search by any part of a name / number / e-mail with paging; POST warns on a
number another customer already has."""

from __future__ import annotations

import httpx

from tests.integration.desktop.conftest import Desktop


async def _create(agent: httpx.AsyncClient, **body: object) -> httpx.Response:
    return await agent.post("/api/customers", json=body)


async def test_given_wei_zhang_when_searching_part_of_the_chinese_or_latin_name_then_found(
    desktop: Desktop,
) -> None:
    async with desktop.signed_in("agent1002") as agent:
        made = await _create(agent, display_name="Feng Ouyang 欧阳锋", phone="+1 415 555 0177")
        assert made.status_code == 201
        for query in ("Ouyang", "欧", "欧阳", "阳锋", "555 0177"):
            found = (await agent.get("/api/customers", params={"q": query})).json()
            assert [c["display_name"] for c in found["items"]] == ["Feng Ouyang 欧阳锋"], query
            assert found["items"][0]["phones"] == ["+14155550177"]


async def test_given_25_matches_when_paging_then_20_then_the_rest_and_has_more_says_so(
    desktop: Desktop,
) -> None:
    async with desktop.signed_in("agent1002") as agent:
        for i in range(25):
            assert (await _create(agent, display_name=f"Paging Person {i:02d}")).status_code == 201
        first = (await agent.get("/api/customers", params={"q": "paging"})).json()
        second = (await agent.get("/api/customers", params={"q": "paging", "offset": 20})).json()
    assert (len(first["items"]), first["has_more"]) == (20, True)
    assert (len(second["items"]), second["has_more"]) == (5, False)
    names = {c["display_name"] for c in first["items"] + second["items"]}
    assert names == {f"Paging Person {i:02d}" for i in range(25)}


async def test_given_nonsense_search_when_asked_then_422_with_a_clear_translated_error(
    desktop: Desktop,
) -> None:
    async with desktop.signed_in("agent1001") as chinese_agent:
        chinese = await chinese_agent.get("/api/customers", params={"q": "***"})
    async with desktop.signed_in("agent1002") as agent:
        punctuation = await agent.get("/api/customers", params={"q": "%%% --"})
        too_long = await agent.get("/api/customers", params={"q": "x" * 501})
        bad_page = await agent.get("/api/customers", params={"q": "zhang", "limit": 0})
        too_deep = await agent.get("/api/customers", params={"q": "zhang", "offset": 10_001})
    assert punctuation.status_code == 422
    assert punctuation.json()["code"] == "crm.search.no_terms"
    assert "letters or digits" in punctuation.json()["message"]
    assert chinese.status_code == 422
    assert "没有字母或数字" in chinese.json()["message"]
    assert [r.status_code for r in (too_long, bad_page, too_deep)] == [422, 422, 422]


async def test_given_a_number_in_use_when_creating_then_409_names_the_holder_until_confirmed(
    desktop: Desktop,
) -> None:
    async with desktop.signed_in("agent1002") as agent:
        first = await _create(agent, display_name="Lan Wu", phone="+1 415 555 0188")
        again = await _create(agent, display_name="Jun Wu", phone="(415) 555-0188")
        confirmed = await _create(agent, display_name="Jun Wu", phone="(415) 555-0188", shared_number_ok=True)
        found = (await agent.get("/api/customers", params={"q": "4155550188"})).json()
    assert first.status_code == 201
    assert again.status_code == 409
    assert again.json()["code"] == "crm.number_in_use"
    assert f"Lan Wu (#{first.json()['id']})" in again.json()["message"]
    assert confirmed.status_code == 201
    assert sorted(c["display_name"] for c in found["items"]) == ["Jun Wu", "Lan Wu"]
