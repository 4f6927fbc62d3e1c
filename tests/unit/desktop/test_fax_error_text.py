"""A fax's stored reason as a person reads it: our codes translated, Asterisk's own words kept."""

from __future__ import annotations

from agent_desktop.routes.fax import error_text


def test_given_our_reason_then_translated_with_its_detail() -> None:
    assert error_text("fax.line_not_taken: Hangup Cause 17", "en") == (
        "The line did not take the call (busy or no answer)."
    )
    assert error_text("fax.line_not_taken: Hangup Cause 17", "zh_CN") == "线路未接通（忙或无人接听）。"
    shown = error_text("fax.file_missing: /mnt/fax/fax-in-1.tif", "en")
    assert shown == "The fax document is not visible to the server (/mnt/fax/fax-in-1.tif); " + (
        "check the shared fax directory."
    )


def test_given_asterisks_reason_or_none_then_as_given() -> None:
    assert (
        error_text("RETRAIN_FAILED: remote channel hungup", "zh_CN")
        == "RETRAIN_FAILED: remote channel hungup"
    )
    assert error_text(None, "en") is None
