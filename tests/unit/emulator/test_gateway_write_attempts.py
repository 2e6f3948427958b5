# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""/_emulator/stats write_attempts: every write request is counted, whatever happens to it."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import socket

import pytest

from ansible_collections.aliyun.ram.tests.unit.emulator import gateway_support as support
from ansible_collections.aliyun.ram.tests.unit.emulator.backend_support import Clock

emulator = support.emulator


MemoryLog = support.MemoryLog


@pytest.fixture(params=["fake", "real"])
def gateway(request):
    clock = Clock(support.CAPTURE_EPOCH)
    if request.param == "fake":
        backend, fault_class = support.fake_backend.RamBackend(clock=clock), support.fake_backend.ApiFault
    else:
        real = support.load("ram_backend_for_write_attempts", support.REAL_BACKEND_PATH)
        backend, fault_class = real.RamBackend(clock=clock), real.ApiFault
    return emulator.Gateway(backend, fault_class, static_keys=support.static_keys(), request_log=MemoryLog(),
                            clock=clock, sleep=lambda s: None)


def call(gateway, request):
    return gateway.handle_api(emulator.ApiRequest(*request))


def fresh(action, params=None, **kwargs):
    return support.v3_request(action, params, date=support.CAPTURE_TIME, **kwargs)


def create(name="w@example.onaliyun.com", **kwargs):
    return fresh("CreateUser", {"UserPrincipalName": name, "DisplayName": "W"}, **kwargs)


def attempts(gateway, action="CreateUser"):
    stats = gateway.stats.snapshot()
    return stats["write_attempts"], stats["by_action"].get(action, {}).get("write_attempts", 0), stats["writes"]


def test_applied_write_is_an_attempt_and_a_write(gateway):
    assert call(gateway, create()).status == 200
    assert attempts(gateway) == (1, 1, 1)


def test_reads_are_not_write_attempts(gateway):
    call(gateway, fresh("GetUser", {"UserPrincipalName": "w@example.onaliyun.com"}))
    assert gateway.stats.snapshot()["write_attempts"] == 0
    assert gateway.stats.snapshot()["by_action"]["GetUser"]["write_attempts"] == 0


@pytest.mark.parametrize("label, request_data", [
    ("bad signature", create(secret="wrong")),
    ("unknown key", create(access_key_id="nobody")),
    ("no signature", ("POST", "/?Action=CreateUser&Version=2019-08-15&UserPrincipalName=w", {}, b"")),
    ("expired timestamp", support.v3_request("CreateUser", {"UserPrincipalName": "w"}, date="2020-01-01T00:00:00Z")),
    ("unknown version", ("POST", "/?Action=CreateUser&Version=2001-01-01", {}, b"")),
    ("wrong method", ("PUT", "/?Action=CreateUser&Version=2019-08-15", {}, b"")),
    ("wrong path", ("POST", "/other?Action=CreateUser&Version=2019-08-15", {}, b"")),
    ("action in header only", ("POST", "/", {"x-acs-action": "CreateUser", "x-acs-version": "2019-08-15"}, b"")),
])
def test_refused_writes_are_attempts_but_not_writes(gateway, label, request_data):
    response = call(gateway, request_data)
    assert response.status != 200
    assert attempts(gateway) == (1, 1, 0)
    assert gateway.stats.snapshot()["by_action"]["CreateUser"]["writes"] == 0


def test_replayed_write_is_counted_twice(gateway):
    request_data = create()
    assert call(gateway, request_data).status == 200
    assert json.loads(call(gateway, request_data).body.decode())["Code"] == "SignatureNonceUsed"
    assert attempts(gateway) == (2, 2, 1)


def test_faulted_writes_are_attempts(gateway):
    gateway.faults.update({"throttle_rate": 1.0})
    call(gateway, create("t1@example.onaliyun.com"))
    gateway.faults.update({"throttle_rate": 0, "error_rate": 1.0})
    call(gateway, create("t2@example.onaliyun.com"))
    gateway.faults.update({"error_rate": 0})
    gateway.faults.inject({"action": "CreateUser", "code": "NoPermission", "http_status": 403})
    call(gateway, create("t3@example.onaliyun.com"))
    gateway.faults.inject({"action": "CreateUser", "drop": True})
    assert call(gateway, create("t4@example.onaliyun.com")).drop
    assert attempts(gateway) == (4, 4, 1)  # only the dropped one was applied


def test_backend_error_is_an_attempt(gateway):
    call(gateway, create())
    assert call(gateway, create()).status == 409
    assert attempts(gateway) == (2, 2, 2)


def test_reset_zeroes_write_attempts(gateway):
    call(gateway, create(secret="wrong"))
    gateway.stats.reset()
    assert gateway.stats.snapshot()["write_attempts"] == 0 and gateway.stats.snapshot()["by_action"] == {}


def test_write_attempts_over_http_include_unreadable_bodies():
    with support.client.start_emulator(["--fixed-time", support.CAPTURE_TIME], env={"RAM_EMULATOR_BACKEND": ""}) as emu:
        method, target, headers, body = create(secret="wrong")
        sock = socket.create_connection(("127.0.0.1", emu.port), timeout=10)
        try:
            sock.sendall(support.raw_http(method, target, headers))
            assert support.read_http_response(sock)[0] == 400
        finally:
            sock.close()
        sock = socket.create_connection(("127.0.0.1", emu.port), timeout=10)
        try:
            broken = {"host": "127.0.0.1", "Transfer-Encoding": "chunked"}
            sock.sendall(support.raw_http("POST", "/?Action=DeleteUser&Version=2019-08-15", broken).replace(
                b"Content-Length: 0\r\n", b"") + b"zz\r\n")
            assert support.read_http_response(sock)[0] == 400
        finally:
            sock.close()
        stats = emu.stats()
        assert (stats["write_attempts"], stats["writes"], stats["requests"]) == (2, 0, 0)
        assert stats["by_action"]["CreateUser"]["write_attempts"] == 1
        assert stats["by_action"]["DeleteUser"]["write_attempts"] == 1
