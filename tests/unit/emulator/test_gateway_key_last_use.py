# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A created AccessKey signs requests, each accepted one is its last use, and its secret is never logged.

The first tests drive the gateway in-process with the real backend; the last ones start the emulator and use
the AccessKey admin paths (``/_emulator/people/use_key``, ``/_emulator/keys/age``) through client.py.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.aliyun.ram.tests.unit.emulator import gateway_support as support

emulator = support.emulator
client = support.client
real = support.load("ram_backend_for_key_last_use", support.REAL_BACKEND_PATH)
UPN = "keyed@example.onaliyun.com"
ROOT = {"access_key_id": "testid", "is_sts": False}


class Clock:
    def __init__(self):
        self.now = support.CAPTURE_EPOCH

    def __call__(self):
        return self.now


@pytest.fixture
def setup():
    """(backend, gateway, key, clock): requests are dated CAPTURE_TIME; ``clock`` is the account's own clock."""
    clock = Clock()
    backend = real.RamBackend(clock=clock)
    gateway = emulator.Gateway(backend, real.ApiFault, static_keys=support.static_keys(),
                               clock=lambda: support.CAPTURE_EPOCH, sleep=lambda s: None)
    backend.handle("2019-08-15", "CreateUser", {"UserPrincipalName": UPN, "DisplayName": "K"}, ROOT)
    key = backend.handle("2019-08-15", "CreateAccessKey", {"UserPrincipalName": UPN}, ROOT)["AccessKey"]
    return backend, gateway, key, clock


def send(gateway, request):
    response = gateway.handle_api(emulator.ApiRequest(*request))
    return response.status, json.loads(response.body.decode("utf-8"))


def signed_by(key, action="GetUser", params=None, version="2019-08-15", signer=support.v3_request, secret=None):
    when = {"date": support.CAPTURE_TIME} if signer is support.v3_request else {"timestamp": support.CAPTURE_TIME}
    return signer(action, {"UserPrincipalName": UPN} if params is None else params, version=version,
                  access_key_id=key["AccessKeyId"], secret=secret or key["AccessKeySecret"], **when)


def last_use(backend, key):
    return backend.handle("2019-08-15", "GetAccessKeyLastUsed",
                          {"UserPrincipalName": UPN, "UserAccessKeyId": key["AccessKeyId"]}, ROOT)["AccessKeyLastUsed"]


@pytest.mark.parametrize("signer", [support.v3_request, support.classic_request])
def test_a_created_key_signs_is_recorded_and_once_disabled_is_refused(setup, signer):
    backend, gateway, key, clock = setup
    assert last_use(backend, key) == {}
    status, body = send(gateway, signed_by(key, signer=signer))
    assert status == 200 and body["User"]["UserPrincipalName"] == UPN
    used = {"LastUsedDate": real.iso(clock.now), "ServiceName": "ims"}
    assert last_use(backend, key) == used
    backend.handle("2019-08-15", "UpdateAccessKey", {"UserPrincipalName": UPN, "UserAccessKeyId": key["AccessKeyId"],
                                                     "Status": "Inactive"}, ROOT)
    clock.now += 600
    status, body = send(gateway, signed_by(key, signer=signer))
    assert (status, body["Code"]) == (403, "Forbidden.AccessKeyDisabled")
    assert last_use(backend, key) == used


def test_service_name_is_the_product_called(setup):
    backend, gateway, key, clock = setup
    assert send(gateway, signed_by(key, "GetUser", {"UserName": "keyed"}, version="2015-05-01"))[0] == 200
    assert last_use(backend, key)["ServiceName"] == "ram"
    clock.now += 60
    # A business error still used the key: the signature was accepted (A53).
    assert send(gateway, signed_by(key, "GetUser", {"UserPrincipalName": "nobody@example.onaliyun.com"}))[0] == 404
    assert last_use(backend, key) == {"LastUsedDate": real.iso(clock.now), "ServiceName": "ims"}


def test_the_key_asks_about_itself(setup):
    backend, gateway, key, clock = setup
    status, body = send(gateway, signed_by(key, "GetAccessKeyLastUsed", {"UserAccessKeyId": key["AccessKeyId"]}))
    assert status == 200
    assert body["AccessKeyLastUsed"] == {"LastUsedDate": real.iso(clock.now), "ServiceName": "ims"}
    assert body["RequestId"]


def test_a_refused_request_records_nothing(setup):
    backend, gateway, key, clock = setup
    status, body = send(gateway, signed_by(key, secret="not-the-secret"))
    assert (status, body["Code"]) == (400, "SignatureDoesNotMatch")
    assert last_use(backend, key) == {}


def test_static_and_sts_keys_are_not_tracked(setup):
    backend, gateway, key, clock = setup
    calls = []
    backend.record_access_key_use = lambda *args, **kwargs: calls.append(args)
    assert send(gateway, support.v3_request("GetUser", {"UserPrincipalName": UPN}, date=support.CAPTURE_TIME))[0] == 200
    assert send(gateway, support.v3_request("GetUser", {"UserPrincipalName": UPN}, access_key_id="STS.testid",
                                            token=support.STS_TOKEN, date=support.CAPTURE_TIME))[0] == 200
    assert calls == []
    assert send(gateway, signed_by(key))[0] == 200
    assert calls == [(key["AccessKeyId"], "ims")]


# ----------------------------------------------------------------------------- a running emulator


@pytest.fixture(scope="module")
def emu():
    handle = client.start_emulator(["--fixed-time", support.CAPTURE_TIME], env={"RAM_EMULATOR_BACKEND": ""})
    yield handle
    handle.cleanup()


signed_http = support.send_http


def new_key(emu, name):
    upn = "%s@example.onaliyun.com" % name
    assert support.signed_call(emu, "CreateUser", {"UserPrincipalName": upn, "DisplayName": name})[0] == 200
    status, body = support.signed_call(emu, "CreateAccessKey", {"UserPrincipalName": upn})
    assert status == 200
    return upn, body["AccessKey"]


def test_the_secret_never_reaches_the_log_or_stderr(emu):
    upn, key = new_key(emu, "secretive")
    secret = key["AccessKeySecret"]
    # The key signs a request of its own, and the state is read: still nothing.
    request = support.v3_request("ListAccessKeys", {}, access_key_id=key["AccessKeyId"], secret=secret,
                                 date=support.CAPTURE_TIME)
    assert signed_http(emu, request)[0] == 200
    assert secret not in json.dumps(emu.state())
    entries = emu.log_entries()
    assert [e["action"] for e in entries[-2:]] == ["CreateAccessKey", "ListAccessKeys"]
    assert entries[-1]["access_key_id"] == key["AccessKeyId"]
    with open(emu.request_log, encoding="utf-8") as handle:
        assert secret not in handle.read()
    assert secret not in emu.stderr()


def test_use_key_and_age_key_over_http(emu):
    upn, key = new_key(emu, "rotated")
    akid = key["AccessKeyId"]
    status, body = support.signed_call(emu, "GetAccessKeyLastUsed", {"UserPrincipalName": upn, "UserAccessKeyId": akid})
    assert (status, body["AccessKeyLastUsed"]) == (200, {})
    view = client.use_key(emu.url, akid, service="ecs", days_ago=3)
    assert view["LastUsed"] == {"LastUsedDate": "2026-11-19T07:32:29Z", "ServiceName": "ecs"}
    assert "secret" not in view and key["AccessKeySecret"] not in json.dumps(view)
    view = emu.age_key(akid, 400)
    assert view["CreateDate"] == view["UpdateDate"] == "2025-10-18T07:32:29Z"
    assert view["LastUsed"]["LastUsedDate"] == "2025-10-15T07:32:29Z"
    status, body = support.signed_call(emu, "GetAccessKeyLastUsed", {"UserPrincipalName": upn, "UserAccessKeyId": akid})
    assert body["AccessKeyLastUsed"] == {"LastUsedDate": "2025-10-15T07:32:29Z", "ServiceName": "ecs"}
    listed = support.signed_call(emu, "ListAccessKeys", {"UserPrincipalName": upn})[1]["AccessKeys"]["AccessKey"]
    assert listed[0]["CreateDate"] == "2025-10-18T07:32:29Z"
    user = [u for u in emu.state()["users"] if u["UserName"] == "rotated"][0]
    assert user["AccessKeys"][0]["LastUsed"]["ServiceName"] == "ecs"
    # The admin paths are not API requests: they are not in the request log.
    assert all(e["action"] for e in emu.log_entries())


def test_admin_refusals_over_http(emu):
    upn, key = new_key(emu, "disabled")
    akid = key["AccessKeyId"]
    with pytest.raises(client.AdminError) as info:
        client.use_key(emu.url, "LTAI5tnosuchkey")
    assert info.value.status == 404 and "error" in info.value.body
    with pytest.raises(client.AdminError) as info:
        client.age_key(emu.url, "LTAI5tnosuchkey", 3)
    assert info.value.status == 404
    with pytest.raises(client.AdminError) as info:
        client.age_key(emu.url, akid, 0)
    assert info.value.status == 400
    assert support.signed_call(emu, "UpdateAccessKey", {"UserPrincipalName": upn, "UserAccessKeyId": akid,
                                                        "Status": "Inactive"})[0] == 200
    with pytest.raises(client.AdminError) as info:
        emu.use_key(akid)
    assert info.value.status == 409
    assert emu.admin("GET", "/_emulator/faults")  # the admin paths still answer
    with pytest.raises(client.urllib.error.HTTPError) as info:
        emu.admin("GET", "/_emulator/keys/age")
    assert info.value.code == 405
    info.value.close()
