"""The result of a fax session from Asterisk's variables and events (values as recorded in fax.jsonl)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from recorder.fax import RetryPlan, event_result, fax_result, next_attempt

RECORDED_SENDER = {  # the SendFAX side of fax.jsonl at its end
    "FAXSTATUS": "SUCCESS",
    "FAXERROR": "HANGUP",
    "FAXSTATUSSTRING": "OK",
    "REMOTESTATIONID": "",
    "FAXBITRATE": "14400",
    "FAXRESOLUTION": "8031x7700",
    "FAXPAGES": "1",
}


def test_given_recorded_sender_with_faxerror_hangup_when_status_success_then_ok() -> None:
    result = fax_result(RECORDED_SENDER)
    assert result.ok
    assert result.error is None
    assert (result.pages, result.resolution, result.transfer_rate) == (1, "8031x7700", 14400)


def test_given_failed_status_then_error_keeps_code_and_text() -> None:
    result = fax_result(
        {"FAXSTATUS": "FAILED", "FAXERROR": "HANGUP", "FAXSTATUSSTRING": "remote channel hungup"}
    )
    assert not result.ok
    assert result.error == "HANGUP: remote channel hungup"


def test_given_no_status_at_all_then_failed_with_no_result() -> None:
    result = fax_result({"FAXPAGES": "garbage"})
    assert (result.ok, result.error, result.pages) == (False, "NO_RESULT", 0)


def test_given_event_fields_then_they_win_over_variables() -> None:
    fields = {
        "PagesTransferred": "3",
        "RemoteStationID": " ACME ",
        "Resolution": "8031x7700",
        "TransferRate": "",
    }
    result = event_result(fields, {"FAXSTATUS": "SUCCESS", "FAXPAGES": "0"})
    assert (result.ok, result.pages, result.remote_station_id, result.transfer_rate) == (
        True,
        3,
        "ACME",
        None,
    )


def test_given_busy_line_when_attempts_left_then_retry_after_interval_else_give_up() -> None:
    plan = RetryPlan(attempts=3, interval=timedelta(minutes=5))
    now = datetime(2026, 12, 6, tzinfo=UTC)
    assert next_attempt(plan, 1, now, line_busy=True) == now + timedelta(minutes=5)
    assert next_attempt(plan, 3, now, line_busy=True) is None
    assert next_attempt(plan, 1, now, line_busy=False) is None
