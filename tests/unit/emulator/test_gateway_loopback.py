# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Only loopback clients are served unless --allow-remote; the metadata token with --imds-require-token.

Remote clients are simulated by calling the gateway's routing with another client address; the tests bind
to 127.0.0.1 only.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import http.client
import json

import pytest

from ansible_collections.aliyun.ram.tests.unit.emulator import gateway_support as support
from ansible_collections.aliyun.ram.tests.unit.emulator.backend_support import Clock

emulator = support.emulator
REMOTE = ["192.0.2.10", "10.0.0.5", "2001:db8::1", "::ffff:192.0.2.10", "not-an-address"]
LOCAL = ["127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1"]
CREDENTIALS = "/latest/meta-data/ram/security-credentials/"


def make_gateway(**kwargs):
    clock = Clock(support.CAPTURE_EPOCH)
    backend = support.fake_backend.RamBackend(clock=clock)
    return emulator.Gateway(backend, support.fake_backend.ApiFault, static_keys=support.static_keys(), clock=clock,
                            sleep=lambda s: None, **kwargs)


def create_request():
    return support.v3_request("CreateUser", {"UserPrincipalName": "r@x", "DisplayName": "R"}, date=support.CAPTURE_TIME)


def http_call(gateway, request, client):
    method, target, headers, body = request
    return gateway.handle_http(method, target, headers, body, client)


@pytest.mark.parametrize("client", REMOTE)
def test_remote_clients_are_refused_everywhere_by_default(client):
    gateway = make_gateway()
    response = http_call(gateway, create_request(), client)
    assert response.status == 403 and b"--allow-remote" in response.body
    assert gateway.backend.users == {}  # nothing applied
    stats = gateway.stats.snapshot()
    assert (stats["write_attempts"], stats["requests"], stats["writes"]) == (1, 0, 0)
    assert http_call(gateway, ("GET", CREDENTIALS + "EcsRole", {}, b""), client).status == 403
    assert http_call(gateway, ("GET", CREDENTIALS, {}, b""), client).status == 403
    assert http_call(gateway, ("PUT", "/latest/api/token", {"X-aliyun-ecs-metadata-token-ttl-seconds": "60"}, b""),
                     client).status == 403
    assert http_call(gateway, ("GET", "/_emulator/stats", {}, b""), client).status == 403
    assert http_call(gateway, ("POST", "/_emulator/people/login", {}, b'{"user": "a"}'), client).status == 403


@pytest.mark.parametrize("client", LOCAL)
def test_loopback_clients_are_served(client):
    gateway = make_gateway()
    assert http_call(gateway, create_request(), client).status == 200
    assert http_call(gateway, ("GET", CREDENTIALS + "EcsRole", {}, b""), client).status == 200
    assert http_call(gateway, ("GET", "/_emulator/stats", {}, b""), client).status == 200


def test_allow_remote_opens_api_and_metadata_but_not_admin_paths():
    gateway = make_gateway(allow_remote=True)
    assert http_call(gateway, create_request(), "192.0.2.10").status == 200
    assert http_call(gateway, ("GET", CREDENTIALS + "EcsRole", {}, b""), "192.0.2.10").status == 200
    assert http_call(gateway, ("GET", "/_emulator/state", {}, b""), "192.0.2.10").status == 403
    assert http_call(gateway, ("POST", "/_emulator/faults", {}, b'{"error_rate": 1}'), "192.0.2.10").status == 403
    assert gateway.faults.settings()["error_rate"] == 0


class Monotonic:
    def __init__(self):
        self.now = 50.0

    def __call__(self):
        return self.now


def token(gateway, ttl="21600", client="127.0.0.1"):
    return http_call(gateway, ("PUT", "/latest/api/token", {"X-aliyun-ecs-metadata-token-ttl-seconds": ttl}, b""),
                     client)


def test_metadata_without_required_token_still_answers():
    gateway = make_gateway()
    assert http_call(gateway, ("GET", CREDENTIALS, {}, b""), "127.0.0.1").body == b"EcsRole"


def test_imds_require_token():
    monotonic = Monotonic()
    gateway = make_gateway(imds_require_token=True, monotonic=monotonic)
    for headers in ({}, {"X-aliyun-ecs-metadata-token": "made-up"}, {"X-aliyun-ecs-metadata-token": ""}):
        for path in (CREDENTIALS, CREDENTIALS + "EcsRole"):
            response = http_call(gateway, ("GET", path, headers, b""), "127.0.0.1")
            assert response.status == 401 and b"STS." not in response.body
    issued = token(gateway, ttl="60")
    assert issued.status == 200
    good = {"x-aliyun-ecs-metadata-token": issued.body.decode()}
    assert http_call(gateway, ("GET", CREDENTIALS, good, b""), "127.0.0.1").body == b"EcsRole"
    credentials = json.loads(http_call(gateway, ("GET", CREDENTIALS + "EcsRole", good, b""), "127.0.0.1").body)
    assert credentials["Code"] == "Success"
    monotonic.now += 60
    assert http_call(gateway, ("GET", CREDENTIALS, good, b""), "127.0.0.1").status == 401


@pytest.mark.parametrize("ttl, status", [("1", 200), ("21600", 200), ("0", 400), ("21601", 400), ("abc", 400),
                                         ("-5", 400), ("", 400)])
def test_token_ttl_range(ttl, status):
    assert token(make_gateway(), ttl=ttl).status == status


def test_token_needs_put():
    gateway = make_gateway()
    assert http_call(gateway, ("GET", "/latest/api/token", {}, b""), "127.0.0.1").status == 405


def test_command_line_flags_reach_the_gateway():
    args = emulator.parse_args(["--port", "0", "--allow-remote", "--imds-require-token"])
    server, scheme = emulator.build(args)
    try:
        assert (server.gateway.allow_remote, server.gateway.imds_require_token) == (True, True)
    finally:
        server.server_close()
    args = emulator.parse_args(["--port", "0"])
    server, scheme = emulator.build(args)
    try:
        assert (server.gateway.allow_remote, server.gateway.imds_require_token) == (False, False)
    finally:
        server.server_close()


def test_imds_require_token_over_http():
    with support.client.start_emulator(["--imds-require-token"], env={"RAM_EMULATOR_BACKEND": ""}) as emu:
        conn = http.client.HTTPConnection("127.0.0.1", emu.port, timeout=10)
        try:
            conn.request("GET", CREDENTIALS)
            response = conn.getresponse()
            response.read()
            assert response.status == 401
            conn.request("PUT", "/latest/api/token", headers={"X-aliyun-ecs-metadata-token-ttl-seconds": "300"})
            response = conn.getresponse()
            value = response.read().decode()
            assert response.status == 200
            conn.request("GET", CREDENTIALS, headers={"X-aliyun-ecs-metadata-token": value})
            response = conn.getresponse()
            assert (response.status, response.read()) == (200, b"EcsRamRoleDemo")
        finally:
            conn.close()
