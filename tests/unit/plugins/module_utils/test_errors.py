# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.aliyun.ram.plugins.module_utils.errors import (
    CredentialError,
    RamApiError,
    RamError,
    ValidationError,
)


def test_hierarchy():
    for cls in (RamApiError, CredentialError, ValidationError):
        assert issubclass(cls, RamError)


def test_validation_error_text_and_fields():
    error = ValidationError("display_name", "must be 1 to 24 characters")
    assert str(error) == "display_name: must be 1 to 24 characters"
    assert (error.option, error.rule) == ("display_name", "must be 1 to 24 characters")


def test_api_error_fields_and_dict():
    error = RamApiError("EntityNotExist.User", "The user does not exist.", request_id="R1", http_status=404,
                        recommend="https://example.invalid/r", action="GetUser")
    assert error.to_dict() == {"code": "EntityNotExist.User", "message": "The user does not exist.", "request_id": "R1",
                               "http_status": 404, "recommend": "https://example.invalid/r", "action": "GetUser"}
    assert error.retried is False
    text = str(error)
    for part in ("EntityNotExist.User", "The user does not exist.", "R1", "404", "GetUser"):
        assert part in text


def test_api_error_minimal_text():
    assert str(RamApiError("Timeout", "no answer")) == "Timeout: no answer"


@pytest.mark.parametrize("code, not_found, exists, throttled", [
    ("EntityNotExist.User.LoginProfile", True, False, False),
    ("EntityNotExist", True, False, False),
    ("EntityAlreadyExists.User", False, True, False),
    ("Throttling.User", False, False, True),
    ("InvalidParameter", False, False, False),
    (None, False, False, False),
])
def test_api_error_classification(code, not_found, exists, throttled):
    error = RamApiError(code, "m")
    assert (error.is_not_found(), error.is_already_exists(), error.is_throttling()) == (not_found, exists, throttled)
