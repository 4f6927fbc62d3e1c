"""Validation of agents' routing profiles and queues as an administrator sends them (pure)."""

from __future__ import annotations

import inspect

import pytest

from callcenter.i18n import translate
from callcenter.i18n_errors import ERROR_CATALOGUES
from crm_core import routing_profiles
from crm_core.errors import CrmError
from crm_core.routing_profiles import (
    AgentProfile,
    QueueProfile,
    agent_profile_from,
    check_agent_profile,
    check_queue_profile,
    queue_profile_from,
)


def test_given_a_new_agent_when_only_skills_are_sent_then_the_default_capacities_apply() -> None:
    profile = agent_profile_from("2001", {"skills": {"sales": 3}})
    assert profile == AgentProfile("2001", {"sales": 3}, {"voice": 1, "chat": 3, "email": 5})


def test_given_a_stored_agent_when_one_capacity_changes_then_the_rest_is_kept() -> None:
    current = AgentProfile("1003", {"support": 3}, {"voice": 1, "chat": 2, "email": 4})
    changed = agent_profile_from("1003", {"capacity": {"chat": 0}}, current)
    assert changed == AgentProfile("1003", {"support": 3}, {"voice": 1, "chat": 0, "email": 4})


def test_given_a_stored_queue_when_some_settings_change_then_the_others_are_kept() -> None:
    current = QueueProfile("vip", {"vip": 2}, wrap_up_s=10, offer_timeout_s=15, max_missed_offers=2)
    changed = queue_profile_from("vip", {"service_level_s": 30, "max_missed_offers": 0}, current)
    assert changed == QueueProfile("vip", {"vip": 2}, 10.0, 15.0, 0, 30.0)


@pytest.mark.parametrize(
    ("agent_id", "data", "code", "params"),
    [
        ("20 01", {}, "crm.routing.invalid_name", {"field": "agent_id", "value": "20 01"}),
        ("2001", {"skills": ["sales"]}, "crm.routing.invalid_skills", {"value": ["sales"]}),
        ("2001", {"skills": {"sales": 6}}, "crm.routing.invalid_level", {"skill": "sales", "value": 6}),
        ("2001", {"skills": {"sales": True}}, "crm.routing.invalid_level", {"skill": "sales", "value": True}),
        ("2001", {"skills": {"sales": 2.5}}, "crm.routing.invalid_level", {"skill": "sales", "value": 2.5}),
        ("2001", {"skills": {"after sales": 2}}, "crm.routing.invalid_name", {"field": "skill"}),
        ("2001", {"capacity": {"fax": 1}}, "crm.routing.unknown_channel", {"channel": "fax"}),
        (
            "2001",
            {"capacity": {"chat": -1}},
            "crm.routing.invalid_capacity",
            {"channel": "chat", "value": -1},
        ),
        ("2001", {"capacity": {"chat": "2"}}, "crm.routing.invalid_capacity", {"value": "2"}),
        ("2001", {"capacity": 3}, "crm.routing.invalid_capacity_map", {"value": 3}),
        ("2001", {"capacity": {"voice": 0, "chat": 0, "email": 0}}, "crm.routing.no_capacity", {}),
        (
            "2001",
            {"skill": {}},
            "crm.routing.unknown_setting",
            {"field": "skill", "allowed": "skills, capacity"},
        ),
        ("2001", {"skills": {f"s{i}": 1 for i in range(51)}}, "crm.routing.too_many_skills", {"count": 51}),
    ],
)
def test_given_bad_agent_settings_then_the_error_says_what_is_wrong(
    agent_id: str, data: dict[str, object], code: str, params: dict[str, object]
) -> None:
    with pytest.raises(CrmError) as caught:
        agent_profile_from(agent_id, data)
    assert caught.value.code == code
    assert params.items() <= dict(caught.value.params).items()


@pytest.mark.parametrize(
    ("data", "code", "field"),
    [
        ({"wrap_up_s": -1}, "crm.routing.out_of_range", "wrap_up_s"),
        ({"wrap_up_s": "ten"}, "crm.routing.out_of_range", "wrap_up_s"),
        ({"wrap_up_s": float("nan")}, "crm.routing.out_of_range", "wrap_up_s"),
        ({"wrap_up_s": 10**400}, "crm.routing.out_of_range", "wrap_up_s"),
        ({"offer_timeout_s": 0}, "crm.routing.not_positive", "offer_timeout_s"),
        ({"service_level_s": 3601}, "crm.routing.not_positive", "service_level_s"),
        ({"max_missed_offers": 1.5}, "crm.routing.not_whole", "max_missed_offers"),
        ({"max_missed_offers": False}, "crm.routing.not_whole", "max_missed_offers"),
        ({"priority": 3}, "crm.routing.unknown_setting", "priority"),
    ],
)
def test_given_bad_queue_settings_then_the_error_names_the_setting(
    data: dict[str, object], code: str, field: str
) -> None:
    with pytest.raises(CrmError) as caught:
        queue_profile_from("vip", data)
    assert (caught.value.code, caught.value.params["field"]) == (code, field)


def test_given_values_from_the_settings_file_then_they_pass_the_same_checks() -> None:
    assert check_queue_profile(QueueProfile("general", wrap_up_s=0.2)).wrap_up_s == 0.2
    assert check_agent_profile(AgentProfile("1001", {"sales": 4})).capacity == {
        "voice": 1,
        "chat": 3,
        "email": 5,
    }
    with pytest.raises(CrmError, match="levels are whole numbers from 1 to 5"):
        check_agent_profile(AgentProfile("1001", {"sales": 0}))
    with pytest.raises(CrmError, match="use 1 to 40 letters"):
        check_queue_profile(QueueProfile("a/b"))


def test_every_routing_error_has_an_english_and_a_chinese_message_that_formats() -> None:
    errors = [
        cls
        for _, cls in inspect.getmembers(routing_profiles, inspect.isclass)
        if issubclass(cls, CrmError) and cls.__module__ == routing_profiles.__name__
    ]
    assert len(errors) >= 10
    params = {
        "field": "wrap_up_s",
        "value": "x",
        "skill": "sales",
        "channel": "chat",
        "maximum": 5,
        "minimum": 0,
        "count": 60,
        "allowed": "skills",
        "agent_id": "1001",
        "queue": "vip",
    }
    for error in errors:
        for language in ("en", "zh_CN"):
            assert error.code in ERROR_CATALOGUES[language], (error.code, language)
            text = translate(error.code, language, **params)
            assert "{" not in text.replace('{"', ""), text
