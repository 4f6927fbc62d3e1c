"""The agent desktop's customer search (Chinese part of a name, paging) and new-customer form (a number
another customer has asks first), in English and Simplified Chinese."""

from __future__ import annotations

from playwright.async_api import Browser, expect

from callcenter.app import Engine
from callcenter.clock import SystemClock
from crm_core.customers import CustomerDraft, CustomerService
from tests.e2e.conftest import sign_in


def _add_customers(engine: Engine, names: list[str]) -> None:
    service = CustomerService(SystemClock(), "US")
    with engine.contact_center.sessions.begin() as session:
        for name in names:
            service.create(session, CustomerDraft(name))


async def test_given_the_demo_customer_when_searching_zhang_wei_in_chinese_then_wei_zhang_is_first(
    browser: Browser, server: tuple[Engine, str]
) -> None:
    _, url = server
    page = await sign_in(browser, url, "agent1002")
    await page.fill("#search-q", "张伟")
    await page.click("#search-form button")
    await expect(page.locator("#search-results tr").first).to_contain_text("Wei Zhang (张伟)")
    await expect(page.locator("#search-results tr").first).to_contain_text("+14155550100")


async def test_given_25_matches_when_paging_then_next_and_previous_pages_in_chinese(
    browser: Browser, server: tuple[Engine, str]
) -> None:
    engine, url = server
    _add_customers(engine, [f"Pager Person {i:02d}" for i in range(25)])
    page = await sign_in(browser, url, "agent1001")  # works in Simplified Chinese
    await page.fill("#search-q", "pager")
    await page.click("#search-form button")
    rows = page.locator("#search-results tr")
    await expect(rows).to_have_count(20)
    await expect(page.locator("#search-range")).to_have_text("第 1–20 条结果")
    await expect(page.locator("#search-prev")).to_be_disabled()
    await page.click("#search-next")
    await expect(rows).to_have_count(5)
    await expect(page.locator("#search-range")).to_have_text("第 21–25 条结果")
    await expect(page.locator("#search-next")).to_be_disabled()
    await page.click("#search-prev")
    await expect(rows).to_have_count(20)
    await page.fill("#search-q", "nobody-like-this")
    await page.click("#search-form button")
    await expect(page.locator("#search-range")).to_have_text("未找到客户。")


async def test_given_a_number_in_use_when_creating_a_customer_then_warned_and_created_only_on_confirm(
    browser: Browser, server: tuple[Engine, str]
) -> None:
    _, url = server
    page = await sign_in(browser, url, "agent1002")
    await page.click("#new-customer summary")
    form = page.locator("#new-customer-form")
    await form.locator("[name=display_name]").fill("Lan Zhang")
    await form.locator("[name=phone]").fill("(415) 555-0100")
    await form.locator("button").click()
    warning = page.locator("#new-customer-warning .number-in-use")
    await expect(warning).to_contain_text("+14155550100 already belongs to Wei Zhang (#1)")
    await page.fill("#search-q", "Lan Zhang")
    await page.click("#search-form button")
    await expect(page.locator("#search-range")).to_have_text("No customer found.")
    await page.click("#new-customer-warning .create-anyway")
    await expect(page.locator("#customer-view h3")).to_contain_text("Lan Zhang")
    await expect(page.locator("#new-customer-warning")).to_be_empty()
    await page.click("#search-form button")
    await expect(page.locator("#search-results tr").first).to_contain_text("Lan Zhang")
