"""A conversation refusal whose code is given when raised (``BadInput("conversation.name_required")``)
is translated without its ``code`` attribute clashing with the text's parameters."""

from __future__ import annotations

import json

import pytest
from fastapi import FastAPI
from starlette.requests import Request

from agent_desktop.chat.errors import refusals_in
from agent_desktop.errors import ApiError, domain_error_handler
from callcenter.conversations.errors import BadInput, RateLimited
from callcenter.i18n import translate


def test_given_a_refusal_without_parameters_when_translated_then_its_text_in_the_language() -> None:
    with pytest.raises(ApiError) as raised, refusals_in("zh_CN"):
        raise BadInput("conversation.name_required")
    assert (raised.value.status_code, raised.value.code) == (422, "conversation.name_required")
    assert raised.value.message == translate("conversation.name_required", "zh_CN")


def test_given_a_rate_limit_then_429_with_its_parameters() -> None:
    with pytest.raises(ApiError) as raised, refusals_in("en"):
        raise RateLimited("conversation.rate_limited", seconds=7)
    assert raised.value.status_code == 429
    assert "7" in raised.value.message


async def test_given_a_conversation_refusal_in_the_apps_handler_then_translated_not_a_server_error() -> None:
    """Failed before: the handler passed the error's own ``code`` attribute as a text parameter too
    (``translate() got multiple values for argument 'code'``)."""
    scope = {"type": "http", "method": "POST", "path": "/", "headers": [(b"accept-language", b"zh")]}
    request = Request({**scope, "app": FastAPI()})  # an app without the desktop: nobody signed in
    response = await domain_error_handler(request, BadInput("conversation.name_required"))
    assert json.loads(bytes(response.body)) == {
        "code": "conversation.name_required",
        "message": translate("conversation.name_required", "zh_CN"),
    }
