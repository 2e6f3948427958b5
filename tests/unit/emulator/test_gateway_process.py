# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The emulator as other code runs it: a subprocess on a loopback port.

Each test runs against the small fake backend and, once tests/emulator/ram_backend.py exists, against the
real one too (only outcomes both share are asserted).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import http.client
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time

import pytest

from ansible_collections.aliyun.ram.tests.unit.emulator import gateway_support as support

AUTH_ERRORS = {"SignatureDoesNotMatch", "IncompleteSignature", "MissingParameter", "SignatureNonceUsed",
               "InvalidTimeStamp.Expired", "InvalidTimeStamp.Format", "InvalidAccessKeyId.NotFound",
               "InvalidSecurityToken.Malformed", "InvalidSecurityToken.MismatchWithAccessKey",
               "InvalidSecurityToken.Expired"}
PINNED = ["--fixed-time", support.CAPTURE_TIME, "--access-key", "testid:testsecret",
          "--access-key", "STS.testid:testsecret:" + support.STS_TOKEN]


@pytest.fixture(params=["fake", "real"])
def backend_env(request):
    if request.param == "fake":
        return {"RAM_EMULATOR_BACKEND": support.FAKE_BACKEND_PATH}
    if not os.path.exists(support.REAL_BACKEND_PATH):
        pytest.skip("tests/emulator/ram_backend.py does not exist yet")
    return {"RAM_EMULATOR_BACKEND": ""}


@pytest.fixture
def start(backend_env):
    handles = []

    def _start(*args):
        handle = support.client.start_emulator(list(args), env=backend_env)
        handles.append(handle)
        return handle

    yield _start
    for handle in handles:
        handle.cleanup()


def send(emu, request, connection=None):
    """Send (method, target, headers, body) with http.client; return (status, headers, decoded body)."""
    method, target, headers, body = request
    conn = connection or http.client.HTTPConnection("127.0.0.1", emu.port, timeout=10)
    conn.request(method, target, body=body or None, headers=headers)
    response = conn.getresponse()
    payload = response.read()
    if connection is None:
        conn.close()
    return response.status, dict((k.lower(), v) for k, v in response.getheaders()), json.loads(payload.decode())


def fresh(action, params=None, **kwargs):
    return support.v3_request(action, params, date=support.CAPTURE_TIME, **kwargs)


def replay(emu, request_data):
    with socket.create_connection(("127.0.0.1", emu.port), timeout=10) as sock:
        sock.sendall(support.raw_http(request_data["method"], request_data["path"], request_data["headers"],
                                      request_data["body"].encode("utf-8")))
        status, headers, body = support.read_http_response(sock)
    return status, headers, json.loads(body.decode("utf-8"))


def test_ready_line_port_zero_and_sigterm(start):
    emu = start()
    assert emu.url == "http://127.0.0.1:%d" % emu.port and emu.port > 0
    assert emu.stop() == 0
    assert emu.stderr() == ""  # quiet: no access log


def test_sigint_exits_cleanly(start):
    emu = start()
    emu.process.send_signal(signal.SIGINT)
    assert emu.process.wait(10) == 0


def test_replayed_sdk_bytes_pass_authentication(start):
    emu = start(*PINNED)
    for request_data in support.captured_requests():
        status, headers, body = replay(emu, request_data)
        assert status == 200 or (400 <= status < 500 and body["Code"] not in AUTH_ERRORS), body
        assert headers["content-type"] == "application/json;charset=utf-8"
    # Same bytes again: every nonce is now used.
    for request_data in support.captured_requests():
        status, headers, body = replay(emu, request_data)
        assert (status, body["Code"]) == (400, "SignatureNonceUsed")


def test_without_pinned_clock_the_captures_are_expired(start):
    emu = start(*PINNED[2:])
    status, headers, body = replay(emu, support.captured_requests()[0])
    assert (status, body["Code"]) == (400, "InvalidTimeStamp.Expired")


def test_access_key_option_replaces_the_default(start):
    emu = start("--fixed-time", support.CAPTURE_TIME, "--access-key", "other:othersecret")
    assert send(emu, fresh("GetUser"))[2]["Code"] == "InvalidAccessKeyId.NotFound"
    status, headers, body = send(emu, fresh("GetUser", {"UserPrincipalName": "n@example.onaliyun.com"},
                                            access_key_id="other", secret="othersecret"))
    assert body["Code"] not in AUTH_ERRORS


def test_keep_alive_serves_several_requests_on_one_connection(start):
    emu = start("--fixed-time", support.CAPTURE_TIME)
    conn = http.client.HTTPConnection("127.0.0.1", emu.port, timeout=10)
    try:
        for index in range(3):
            status, headers, body = send(emu, fresh("GetUser", {"UserPrincipalName": "k%d@example.onaliyun.com" % index}),
                                         connection=conn)
            assert status == 404 and body["Code"] == "EntityNotExist.User"
            assert int(headers["content-length"]) > 0
    finally:
        conn.close()


def test_error_answers_over_http(start):
    emu = start("--fixed-time", support.CAPTURE_TIME)
    status, headers, body = send(emu, ("GET", "/?Action=GetUser", {}, b""))
    assert (status, body["Code"]) == (400, "MissingParameter")
    assert set(body) == {"RequestId", "HostId", "Code", "Message", "Recommend"}
    assert send(emu, ("GET", "/?Action=GetUser&Version=1999-01-01", {}, b""))[2]["Code"] == "InvalidVersion"
    assert send(emu, fresh("NoSuchThing"))[:1] == (404,)
    assert send(emu, ("PUT", "/", {}, b""))[0] == 404
    status, headers, body = send(emu, fresh("GetUser", access_key_id="nobody"))
    assert (status, body["Code"]) == (404, "InvalidAccessKeyId.NotFound")


def test_throttling_from_the_command_line(start):
    emu = start("--fixed-time", support.CAPTURE_TIME, "--seed", "3", "--throttle-rate", "1.0")
    status, headers, body = send(emu, fresh("GetUser"))
    assert (status, body["Code"]) == (400, "Throttling.User")
    assert 50 <= int(headers["x-acs-retry-after"]) <= 200
    assert emu.stats()["faults"]["throttle"] == 1


def test_dropped_write_is_applied_but_never_answered(start):
    emu = start("--fixed-time", support.CAPTURE_TIME, "--drop-rate", "1.0")
    upn = "dropped@example.onaliyun.com"
    conn = http.client.HTTPConnection("127.0.0.1", emu.port, timeout=10)
    method, target, headers, body = fresh("CreateUser", {"UserPrincipalName": upn, "DisplayName": "Dropped"})
    conn.request(method, target, headers=headers)
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        conn.getresponse()
    conn.close()
    assert upn in json.dumps(emu.state())
    stats = emu.stats()
    assert (stats["writes"], stats["faults"]["drop"]) == (1, 1)
    emu.set_faults(drop_rate=0)
    status, dummy, answer = send(emu, fresh("CreateUser", {"UserPrincipalName": upn, "DisplayName": "Dropped"}))
    assert (status, answer["Code"]) == (409, "EntityAlreadyExists.User")


def test_injected_error_over_http(start):
    emu = start("--fixed-time", support.CAPTURE_TIME)
    emu.inject("GetUser", "NoPermission", 403, "You are not authorized to do this action.")
    status, headers, body = send(emu, fresh("GetUser", {"UserPrincipalName": "i@example.onaliyun.com"}))
    assert (status, body["Code"], body["Message"]) == (403, "NoPermission", "You are not authorized to do this action.")
    assert send(emu, fresh("GetUser", {"UserPrincipalName": "i@example.onaliyun.com"}))[2]["Code"] == \
        "EntityNotExist.User"


def test_request_log_over_http_never_holds_secrets(start):
    emu = start("--fixed-time", support.CAPTURE_TIME)
    upn = "logged@example.onaliyun.com"
    send(emu, fresh("CreateUser", {"UserPrincipalName": upn, "DisplayName": "Logged"}))
    send(emu, fresh("CreateLoginProfile", {"UserPrincipalName": upn, "Password": "Pw-Value-1234!xyz"}))
    send(emu, support.classic_request("UpdateLoginProfile", {"UserPrincipalName": upn, "Password": "Pw-Other-987!"},
                                      timestamp=support.CAPTURE_TIME))
    emu.stats()  # admin paths are not logged
    entries = emu.log_entries()
    assert [e["action"] for e in entries] == ["CreateUser", "CreateLoginProfile", "UpdateLoginProfile"]
    assert [e["auth"] for e in entries] == ["v3", "v3", "v1"]
    assert all(e["write"] for e in entries)
    assert entries[0]["status"] == 200 and entries[0]["code"] is None
    assert entries[1]["params"]["Password"] == "***" and entries[2]["params"]["Password"] == "***"
    assert all(e["duration_ms"] >= 0 and e["time"].endswith("Z") for e in entries)
    with open(emu.request_log, encoding="utf-8") as handle:
        text = handle.read()
    for secret in ("Pw-Value-1234!xyz", "Pw-Other-987!", "testsecret", "Signature", "Authorization"):
        assert secret not in text


def test_state_survives_a_restart(start, tmp_path):
    state = str(tmp_path / "state.json")
    upn = "kept@example.onaliyun.com"
    emu = start("--fixed-time", support.CAPTURE_TIME, "--state", state)
    assert send(emu, fresh("CreateUser", {"UserPrincipalName": upn, "DisplayName": "Kept"}))[0] == 200
    assert emu.stop() == 0
    with open(state, encoding="utf-8") as handle:
        assert json.load(handle)  # saved on SIGTERM (format is the backend's)
    again = start("--fixed-time", support.CAPTURE_TIME, "--state", state)
    status, headers, body = send(again, fresh("GetUser", {"UserPrincipalName": upn}))
    assert status == 200 and body["User"]["UserPrincipalName"] == upn


def test_ecs_metadata_over_http(start):
    emu = start()
    conn = http.client.HTTPConnection("127.0.0.1", emu.port, timeout=10)
    try:
        conn.request("PUT", "/latest/api/token", headers={"X-aliyun-ecs-metadata-token-ttl-seconds": "21600"})
        response = conn.getresponse()
        token = response.read().decode()
        assert response.status == 200 and token
        conn.request("GET", "/latest/meta-data/ram/security-credentials/",
                     headers={"X-aliyun-ecs-metadata-token": token})
        response = conn.getresponse()
        role = response.read().decode()
        assert response.status == 200 and role
        conn.request("GET", "/latest/meta-data/ram/security-credentials/" + role)
        response = conn.getresponse()
        credentials = json.loads(response.read().decode())
        assert response.status == 200 and credentials["Code"] == "Success"
        assert credentials["AccessKeyId"] and credentials["SecurityToken"]
    finally:
        conn.close()


def test_bad_arguments_fail_fast(backend_env):
    with pytest.raises(RuntimeError) as caught:
        support.client.start_emulator(["--access-key", "nosecret"], env=backend_env)
    assert "--access-key" in str(caught.value)


@pytest.mark.skipif(not shutil.which("openssl"), reason="openssl is needed to make a test certificate")
def test_https(start, tmp_path):
    cert, key = str(tmp_path / "cert.pem"), str(tmp_path / "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)
    emu = start("--fixed-time", support.CAPTURE_TIME, "--certfile", cert, "--keyfile", key)
    assert emu.url.startswith("https://127.0.0.1:")
    context = ssl.create_default_context(cafile=cert)
    conn = http.client.HTTPSConnection("127.0.0.1", emu.port, timeout=10, context=context)
    method, target, headers, body = fresh("GetUser", {"UserPrincipalName": "tls@example.onaliyun.com"})
    conn.request(method, target, headers=headers)
    response = conn.getresponse()
    assert (response.status, json.loads(response.read().decode())["Code"]) == (404, "EntityNotExist.User")
    conn.close()
    assert emu.stats()["requests"] == 1


def test_account_options_reach_the_real_backend(start, backend_env):
    if backend_env["RAM_EMULATOR_BACKEND"]:
        pytest.skip("the fake backend has no account model")
    emu = start("--fixed-time", support.CAPTURE_TIME, "--account-alias", "acme", "--site", "intl")
    assert send(emu, fresh("GetDefaultDomain"))[2]["DefaultDomainName"] == "acme.onaliyun.com"
    upn = "intl@acme.onaliyun.com"
    assert send(emu, fresh("CreateUser", {"UserPrincipalName": upn, "DisplayName": "Intl"}))[0] == 200
    user = send(emu, fresh("GetUser", {"UserPrincipalName": upn}))[2]["User"]
    assert "Email" not in user and "MobilePhone" not in user


def test_emulator_started_by_the_helper_exits_when_its_parent_dies(tmp_path):
    """A forked test runner that dies without fixture teardown must not leave emulators behind."""
    script = tmp_path / "parent.py"
    script.write_text(
        "import os, sys\n"
        "sys.path.insert(0, %r)\n"
        "import client\n"
        "handle = client.start_emulator()\n"
        "print(handle.process.pid, flush=True)\n"
        "os._exit(0)\n" % support.EMULATOR_DIR)
    child_pid = int(subprocess.run([sys.executable, str(script)], stdout=subprocess.PIPE, check=True,
                                   timeout=30).stdout.decode().split()[0])
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(child_pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.2)
    os.kill(child_pid, signal.SIGKILL)
    raise AssertionError("the emulator outlived the process that started it")


def test_injected_drop_applies_the_write_once_and_answers_nothing(start):
    emu = start("--fixed-time", support.CAPTURE_TIME)
    emu.inject_drop("CreateUser")
    upn = "dropped-once@example.onaliyun.com"
    conn = http.client.HTTPConnection("127.0.0.1", emu.port, timeout=10)
    method, target, headers, body = fresh("CreateUser", {"UserPrincipalName": upn, "DisplayName": "Dropped"})
    conn.request(method, target, headers=headers)
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        conn.getresponse()
    conn.close()
    assert upn in json.dumps(emu.state())
    # only the next request was dropped: the client's retry gets the real answer
    status, dummy, answer = send(emu, fresh("CreateUser", {"UserPrincipalName": upn, "DisplayName": "Dropped"}))
    assert (status, answer["Code"]) == (409, "EntityAlreadyExists.User")
    assert emu.stats()["faults"]["drop"] == 1
