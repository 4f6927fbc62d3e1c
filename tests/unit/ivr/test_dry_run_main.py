"""Dry runs of the shipped main.yaml: the paths the demo shows."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from ivr_flows.dry_run import dry_run, format_report
from ivr_flows.loader import load_flow_files
from ivr_flows.outcome import CallerLeft, Queue, Voicemail

SH = ZoneInfo("Asia/Shanghai")
MONDAY_10AM = datetime(2026, 11, 23, 10, 0, tzinfo=SH)
MONDAY_8PM = datetime(2026, 11, 23, 20, 0, tzinfo=SH)
NATIONAL_DAY = datetime(2026, 10, 2, 11, 0, tzinfo=SH)
CUSTOMERS = {
    "4155550100": {"customer_name": "Ada", "value_tier": "vip", "customer_id": "42"},
    "4155550111": {"customer_name": "Bob", "value_tier": "standard", "customer_id": "43"},
    "12345674": {"order_status": "shipped"},
}
FLOWS = load_flow_files()
MAIN = FLOWS["main"]
SALES_EN = (("english", 1), ("sales", 1))


async def test_in_hours_unknown_caller_english_sales() -> None:
    report = await dry_run(MAIN, "4155559999", ["1", "1"], now=MONDAY_10AM, customers=CUSTOMERS)
    out = report.outcome
    assert out.action == Queue("sales", SALES_EN, priority=0, announce=True)
    assert out.path == (
        "main:init",
        "main:identify",
        "main:greeting",
        "main:hours",
        "main:language",
        "main:english",
        "main:service_en",
        "main:sales_en",
    )
    assert out.prompts[0] == "tts:en:Thank you for calling Example Trading."
    assert out.errors == ()


async def test_vip_gets_a_personal_greeting_and_priority_10() -> None:
    report = await dry_run(MAIN, "4155550100", ["1", "2"], now=MONDAY_10AM, customers=CUSTOMERS)
    out = report.outcome
    assert out.action == Queue("support", (("english", 1), ("support", 1)), priority=10, announce=True)
    assert out.prompts[0] == "tts:en:Welcome back, Ada. Thank you for being one of our most valued customers."
    assert report.channel_variables["value_tier"] == "vip"


async def test_standard_customer_is_recognised_but_not_prioritised() -> None:
    report = await dry_run(MAIN, "4155550111", ["2", "1"], now=MONDAY_10AM, customers=CUSTOMERS)
    assert report.outcome.action == Queue("sales", (("mandarin", 1), ("sales", 1)), priority=0)
    assert "main:vip_check" in report.outcome.path
    assert "tts:zh:销售请按1，技术支持请按2，查询订单状态请按3。" in report.outcome.prompts


async def test_after_hours_and_on_holidays_callers_reach_voicemail() -> None:
    for when in (MONDAY_8PM, NATIONAL_DAY):
        report = await dry_run(MAIN, "4155559999", [], now=when, customers=CUSTOMERS)
        assert report.outcome.action == Voicemail("general@default")
        assert report.outcome.path[-2:] == ("main:closed", "main:after_hours_voicemail")


async def test_order_status_collects_and_looks_up_the_order_number() -> None:
    report = await dry_run(MAIN, "4155559999", ["1", "3", "12345674#"], now=MONDAY_10AM, customers=CUSTOMERS)
    out = report.outcome
    assert out.action == Queue("support", (("english", 1), ("orders", 1)), priority=0)
    assert report.channel_variables["order_number"] == "12345674"
    assert "tts:en:Order 12345674 is shipped." in out.prompts
    assert out.digits == ("1", "3", "12345674")


async def test_mistyped_order_number_is_asked_again() -> None:
    report = await dry_run(
        MAIN, "4155559999", ["1", "3", "12345678", "87654323#"], now=MONDAY_10AM, customers=CUSTOMERS
    )
    out = report.outcome
    assert out.prompts.count("tts:en:That order number is not valid.") == 1
    assert "tts:en:We could not find order 87654323. Please hold for an agent." in out.prompts
    assert out.action == Queue("support", (("english", 1), ("orders", 1)), priority=0)


async def test_silence_in_the_menus_defaults_to_english_then_the_general_queue() -> None:
    report = await dry_run(MAIN, "4155559999", [], now=MONDAY_10AM)
    assert report.outcome.action == Queue("general", priority=0)
    assert report.outcome.path[-3:] == ("main:english", "main:service_en", "main:general_queue")


async def test_hangup_in_the_service_menu() -> None:
    report = await dry_run(MAIN, "4155559999", ["1", "hangup"], now=MONDAY_10AM)
    assert report.outcome.action == CallerLeft("main", "service_en")


async def test_format_report_for_the_cli() -> None:
    report = await dry_run(MAIN, "4155550100", ["1", "1", "9"], now=MONDAY_10AM, customers=CUSTOMERS)
    assert format_report(report) == (
        "Flow main, caller 4155550100, at 2026-11-23T10:00:00+08:00\n"
        "Result: queue sales (skills: english>=1, sales>=1; priority 10; announcements on)\n"
        "Path:\n"
        "  1. main:init\n"
        "  2. main:identify\n"
        "  3. main:vip_check\n"
        "  4. main:vip_priority\n"
        "  5. main:vip_greeting\n"
        "  6. main:hours\n"
        "  7. main:language\n"
        "  8. main:english\n"
        "  9. main:service_en\n"
        "  10. main:sales_en\n"
        "Prompts:\n"
        "  - tts:en:Welcome back, Ada. Thank you for being one of our most valued customers.\n"
        "  - tts:en:For English, press 1.\n"
        "  - tts:zh:中文服务请按2。\n"
        "  - tts:en:For sales, press 1. For support, press 2. For the status of an order, press 3.\n"
        "Digits entered: 1, 1\n"
        "Variables set:\n"
        "  customer_id = 42\n"
        "  customer_name = Ada\n"
        "  language = en\n"
        "  priority = 10\n"
        "  value_tier = vip\n"
        "Unused digits: 9\n"
    )


async def test_support_hotline_dtmf_fallback_and_callback() -> None:
    hotline = FLOWS["support_hotline"]
    report = await dry_run(hotline, "4155550100", ["1", "123456#"], now=MONDAY_10AM, customers={})
    assert report.outcome.action == Queue("support", (("support", 2),), priority=0)
    report = await dry_run(hotline, "4155550100", ["callback"], now=MONDAY_10AM, speech_available=True)
    assert report.outcome.action.__class__.__name__ == "CallbackOffer"
