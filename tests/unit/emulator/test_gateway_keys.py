# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A disabled AccessKey is refused as Forbidden.AccessKeyDisabled (403), not as an unknown key."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.aliyun.ram.tests.unit.emulator import gateway_support as support

emulator = support.emulator
real = support.load("ram_backend_for_keys", support.REAL_BACKEND_PATH)
UPN = "keyed@example.onaliyun.com"


@pytest.fixture
def setup():
    backend = real.RamBackend(clock=lambda: support.CAPTURE_EPOCH)
    gateway = emulator.Gateway(backend, real.ApiFault, static_keys=support.static_keys(),
                               clock=lambda: support.CAPTURE_EPOCH, sleep=lambda s: None)
    caller = {"access_key_id": "testid", "is_sts": False}
    backend.handle("2019-08-15", "CreateUser", {"UserPrincipalName": UPN, "DisplayName": "K"}, caller)
    key = backend.handle("2019-08-15", "CreateAccessKey", {"UserPrincipalName": UPN}, caller)["AccessKey"]
    return backend, gateway, key


def call_with(gateway, key, signer):
    when = {"date": support.CAPTURE_TIME} if signer is support.v3_request else {"timestamp": support.CAPTURE_TIME}
    request = signer("GetUser", {"UserPrincipalName": UPN}, access_key_id=key["AccessKeyId"],
                     secret=key["AccessKeySecret"], **when)
    response = gateway.handle_api(emulator.ApiRequest(*request))
    return response.status, json.loads(response.body.decode("utf-8"))


@pytest.mark.parametrize("signer", [support.v3_request, support.classic_request])
def test_active_key_signs_and_disabled_key_is_forbidden(setup, signer):
    backend, gateway, key = setup
    assert call_with(gateway, key, signer)[0] == 200
    backend.handle("2019-08-15", "UpdateAccessKey", {"UserPrincipalName": UPN, "UserAccessKeyId": key["AccessKeyId"],
                                                     "Status": "Inactive"}, {})
    status, body = call_with(gateway, key, signer)
    assert (status, body["Code"], body["Message"]) == (403, "Forbidden.AccessKeyDisabled", "The Access Key is disabled.")
    backend.handle("2019-08-15", "DeleteAccessKey", {"UserPrincipalName": UPN, "UserAccessKeyId": key["AccessKeyId"]}, {})
    assert call_with(gateway, key, signer)[1]["Code"] == "InvalidAccessKeyId.NotFound"
