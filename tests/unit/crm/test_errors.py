from __future__ import annotations

import inspect

from crm_core import errors


def test_given_error_tree_when_listed_then_codes_are_unique_and_namespaced() -> None:
    classes = [c for _, c in inspect.getmembers(errors, inspect.isclass) if issubclass(c, errors.CrmError)]
    codes = [c.code for c in classes]
    assert len(codes) == len(set(codes))
    assert all(code.startswith("crm.") for code in codes)


def test_given_error_when_raised_then_params_and_english_message() -> None:
    error = errors.FieldTooLong(field="display_name", length=300, max_length=200)
    assert error.code == "crm.field_too_long"
    assert error.params == {"field": "display_name", "length": 300, "max_length": 200}
    assert error.message == "display_name is 300 characters long; the maximum is 200"
    assert isinstance(error, errors.ValidationError)
