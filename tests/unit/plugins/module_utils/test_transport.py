# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import html
import itertools
import json
import os
import platform
import re
import socket
import threading
import time
from urllib.parse import quote, unquote, unquote_plus, urlencode

import pytest
import requests

from ansible_collections.aliyun.ram.plugins.module_utils import signing
from ansible_collections.aliyun.ram.plugins.module_utils.credentials import Credentials
from ansible_collections.aliyun.ram.plugins.module_utils.errors import CredentialError, RamApiError, ValidationError
from ansible_collections.aliyun.ram.plugins.module_utils.transport import (
    Backoff,
    RetryPolicy,
    Transport,
    encode_params,
    parse_endpoint,
    plain_http_endpoints,
    endpoint_choices,
    resolve_endpoints,
)
from ansible_collections.aliyun.ram.plugins.module_utils.version import COLLECTION_VERSION
from ansible_collections.aliyun.ram.tests.unit.plugins.module_utils.scripted_api_server import (
    DROP,
    Reply,
    ScriptedServer,
    api_error,
    v3_signature_check,
)
from ansible_collections.aliyun.ram.tests.unit.plugins.fake_time import FakeTime

KEY_ID = "LTAI-test-id"
SECRET = "very-secret-value-123"
PASSWORD = "Pa55word!-never-shown"


class UpperBound:
    """A ``random`` whose uniform(a, b) returns b, so sleeps equal the jitter bound."""

    def __init__(self):
        self.calls = []

    def uniform(self, low, high):
        self.calls.append((low, high))
        return high


class RotatingProvider:
    """Hands out token-1 credentials until invalidated, then token-2."""

    def __init__(self):
        self.generation = 1
        self.invalidations = 0

    def get(self):
        return Credentials("STS.id-%d" % self.generation, "secret-%d" % self.generation,
                           security_token="token-%d" % self.generation, source="test")

    def invalidate(self):
        self.invalidations += 1
        self.generation += 1


def make_transport(server, fake=None, **kwargs):
    fake = fake or FakeTime()
    kwargs.setdefault("sleep", fake.sleep)
    kwargs.setdefault("clock", fake.clock)
    kwargs.setdefault("timeout", 5)
    return Transport(kwargs.pop("credentials", Credentials(KEY_ID, SECRET, source="test")), endpoints=server.endpoints(),
                     environ={}, **kwargs)


# --- endpoints -------------------------------------------------------------------------


@pytest.mark.parametrize("value, expected", [
    ("ims.aliyuncs.com", ("https", "ims.aliyuncs.com")),
    ("ims.aliyuncs.com:8443", ("https", "ims.aliyuncs.com:8443")),
    ("https://ram.aliyuncs.com", ("https", "ram.aliyuncs.com")),
    ("HTTPS://ram.aliyuncs.com/", ("https", "ram.aliyuncs.com")),
    ("http://127.0.0.1:18080", ("http", "127.0.0.1:18080")),
    ("localhost", ("https", "localhost")),
])
def test_parse_endpoint_accepts(value, expected):
    assert parse_endpoint(value, "ims_endpoint") == expected


@pytest.mark.parametrize("value", [
    "", "   ", None, "https://", "ftp://ims.aliyuncs.com", "ims.aliyuncs.com/path", "https://h/x", "h?x=1",
    "https://user@h", "h:0", "h:65536", "h:port", "-bad.example", "h h", "https://h#frag",
    # a newline inside the value is not part of a host name ("$" with match() let "host:443\n" through)
    "ims.aliyuncs.com:443\n/", "https://ram.aliyuncs.com\n/", "ims.aliyuncs\n.com",
])
def test_parse_endpoint_rejects_with_option_name(value):
    with pytest.raises(ValidationError) as info:
        parse_endpoint(value, "ram_endpoint")
    assert info.value.option == "ram_endpoint"
    assert str(info.value).startswith("ram_endpoint: ")


def test_endpoint_precedence_option_then_env_then_default():
    environ = {"ALIBABA_CLOUD_IMS_ENDPOINT": "http://127.0.0.1:1", "ALIBABA_CLOUD_RAM_ENDPOINT": "ram.example:2"}
    resolved = resolve_endpoints({"ims": "ims.example", "ram": None}, environ)
    assert resolved["ims"] == ("https", "ims.example")
    assert resolved["ram"] == ("https", "ram.example:2")
    assert resolved["sts"] == ("https", "sts.aliyuncs.com")


def test_bad_env_endpoint_names_the_variable():
    with pytest.raises(ValidationError) as info:
        resolve_endpoints({}, {"ALIBABA_CLOUD_STS_ENDPOINT": "sts.example/x"})
    assert info.value.option == "ALIBABA_CLOUD_STS_ENDPOINT"


@pytest.mark.parametrize("endpoint", ["http://127.0.0.1:18080", "http://127.3.2.1", "http://localhost:9000",
                                      "http://LOCALHOST", "https://ram.example.com", "ram.example.com"])
def test_loopback_http_and_https_endpoints_are_accepted(endpoint):
    choices = endpoint_choices({"ims": endpoint, "ram": endpoint, "sts": endpoint}, {})
    assert plain_http_endpoints(choices) == []
    assert resolve_endpoints({"ims": endpoint}, {})["ims"] == parse_endpoint(endpoint)


@pytest.mark.parametrize("endpoint", ["http://ram.example.com", "http://10.0.0.5:8080", "http://128.0.0.1",
                                      "http://localhost.example.com", "HTTP://ims.aliyuncs.com/"])
def test_plain_http_to_another_host_is_refused_unless_allowed(endpoint):
    with pytest.raises(ValidationError) as info:
        resolve_endpoints({"ram": endpoint}, {})
    assert info.value.option == "ram_endpoint"
    assert "allow_insecure_http" in str(info.value) and "unencrypted" in str(info.value)
    assert resolve_endpoints({"ram": endpoint}, {}, allow_insecure_http=True)["ram"][0] == "http"
    assert plain_http_endpoints(endpoint_choices({"ram": endpoint}, {})) == [("ram_endpoint", parse_endpoint(endpoint)[1])]


def test_plain_http_from_the_environment_names_the_variable():
    with pytest.raises(ValidationError) as info:
        Transport(Credentials(KEY_ID, SECRET, source="test"), environ={"ALIBABA_CLOUD_STS_ENDPOINT": "http://sts.example"})
    assert info.value.option == "ALIBABA_CLOUD_STS_ENDPOINT"
    transport = Transport(Credentials(KEY_ID, SECRET, source="test"), environ={"ALIBABA_CLOUD_STS_ENDPOINT": "http://sts.example"},
                          allow_insecure_http=True)
    assert transport.endpoints["sts"] == ("http", "sts.example")


def test_encode_params():
    assert encode_params({"A": True, "B": False, "C": 12, "D": None, "E": "x y"}) == {
        "A": "true", "B": "false", "C": "12", "E": "x y"}
    with pytest.raises(TypeError):
        encode_params({"Tags": ["a"]})


# --- the request on the wire -------------------------------------------------------------


def test_request_is_signed_post_with_params_in_query():
    with ScriptedServer([Reply(body={"RequestId": "R", "User": {"UserId": "1"}})]) as server:
        transport = make_transport(server)
        params = {"UserPrincipalName": "a b@x.onaliyun.com", "Flag": True, "Count": 3, "Skip": None, "Tag.1.Value": "a+b/c"}
        answer = transport.call("ims", "CreateUser", params)
        transport.close()
    assert answer == {"RequestId": "R", "User": {"UserId": "1"}}
    request = server.received[0]
    assert request.path == "/"
    assert request.body == b""
    assert request.query == {"UserPrincipalName": "a b@x.onaliyun.com", "Flag": "true", "Count": "3", "Tag.1.Value": "a+b/c"}
    assert request.headers["host"] == server.host
    assert request.headers["x-acs-action"] == "CreateUser"
    assert request.headers["x-acs-version"] == "2019-08-15"
    assert request.headers["x-acs-content-sha256"] == signing.EMPTY_BODY_SHA256
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", request.headers["x-acs-date"])
    assert "x-acs-security-token" not in request.headers
    credential, signed, valid = v3_signature_check(request, SECRET)
    assert valid
    assert credential == KEY_ID
    assert {"host", "x-acs-action", "x-acs-version", "x-acs-date", "x-acs-signature-nonce", "x-acs-content-sha256"} <= set(signed)
    assert not v3_signature_check(request, "another-secret")[2]


def test_sts_token_is_sent_and_signed():
    token = Credentials("STS.id", "sts-secret", security_token="tok+en/=", source="test")
    with ScriptedServer() as server:
        transport = make_transport(server, credentials=token)
        transport.call("ram", "ListPoliciesForUser", {"UserName": "alice"})
    request = server.received[0]
    assert request.headers["x-acs-security-token"] == "tok+en/="
    assert request.headers["x-acs-version"] == "2015-05-01"
    credential, signed, valid = v3_signature_check(request, "sts-secret")
    assert valid and credential == "STS.id" and "x-acs-security-token" in signed


def test_user_agent():
    with ScriptedServer() as server:
        transport = make_transport(server)
        transport.call("ims", "GetDefaultDomain")
    agent = server.received[0].headers["user-agent"]
    assert agent == "aliyun.ram/%s (python/%s; requests/%s)" % (COLLECTION_VERSION, platform.python_version(), requests.__version__)
    assert "user-agent" in signing.parse_v3_authorization(server.received[0].headers["authorization"])[1]


def test_verify_setting(tmp_path):
    bundle = tmp_path / "ca.pem"
    bundle.write_text("-----BEGIN CERTIFICATE-----\n")
    with ScriptedServer() as server:
        assert make_transport(server).verify is True
        assert make_transport(server, validate_certs=False).verify is False
        assert make_transport(server, ca_bundle=str(bundle)).verify == str(bundle)
        assert make_transport(server, ca_bundle=str(tmp_path)).verify == str(tmp_path)  # a c_rehash directory
        assert make_transport(server, validate_certs=False, ca_bundle="/nowhere/ca.pem").verify is False


# --- retries -------------------------------------------------------------------------------


def test_fresh_nonce_and_signature_on_every_retry():
    fake = FakeTime()
    script = [api_error("ServiceUnavailable", 503), api_error("InternalError", 500), Reply()]
    with ScriptedServer(script) as server:
        transport = make_transport(server, fake)
        transport.call("ims", "GetUser", {"UserPrincipalName": "a@x"})
    assert len(server.received) == 3
    nonces = [r.headers["x-acs-signature-nonce"] for r in server.received]
    assert len(set(nonces)) == 3
    assert len(set(r.headers["authorization"] for r in server.received)) == 3
    assert all(v3_signature_check(r, SECRET)[2] for r in server.received)
    assert len(fake.sleeps) == 2


def test_full_jitter_bounds_grow_and_cap():
    fake, rand = FakeTime(), UpperBound()
    with ScriptedServer([api_error("InternalError", 500)]) as server:
        transport = make_transport(server, fake, random=rand, retry=RetryPolicy(max_attempts=5, base_delay=0.5, max_delay=1.5))
        with pytest.raises(RamApiError):
            transport.call("ims", "GetUser", {"UserPrincipalName": "a@x"})
    assert rand.calls == [(0, 0.5), (0, 1.0), (0, 1.5), (0, 1.5)]
    assert fake.sleeps == [0.5, 1.0, 1.5, 1.5]


def test_jitter_uses_the_random_draw():
    fake = FakeTime()
    with ScriptedServer([api_error("InternalError", 500), Reply()]) as server:
        transport = make_transport(server, fake, random=type("Low", (), {"uniform": lambda self, a, b: a})())
        transport.call("ims", "GetUser", {"UserPrincipalName": "a@x"})
    assert fake.sleeps == [0]


@pytest.mark.parametrize("header, expected", [("1500", 1.5), ("45000", 45.0)])
def test_retry_after_header_is_honoured_beyond_the_backoff_cap(header, expected):
    """The server's wait is kept as it is (not cut to the 20 s backoff cap) while it fits the 60 s budget."""
    fake, rand = FakeTime(), UpperBound()
    script = [api_error("Throttling.User", 400, headers={"x-acs-retry-after": header}), Reply()]
    with ScriptedServer(script) as server:
        transport = make_transport(server, fake, random=rand)
        transport.call("ims", "GetUser", {"UserPrincipalName": "a@x"})
    assert fake.sleeps == [expected]
    assert rand.calls == []
    assert transport.stats == {"calls": 1, "attempts": 2, "retries": 1, "throttled": 1, "longest_wait": expected}


@pytest.mark.parametrize("first, code, retried", [
    (api_error("Throttling", 400), "Throttling", False),
    (api_error("ServiceUnavailable", 503), "ServiceUnavailable", True),
    (Reply(502, raw=b"<html>bad gateway</html>"), "HTTP502", True),
    (DROP, "ConnectionError", True),
])
def test_retryable_failures_stop_after_max_attempts(first, code, retried):
    fake = FakeTime()
    with ScriptedServer([first]) as server:
        transport = make_transport(server, fake, retry=RetryPolicy(max_attempts=3))
        with pytest.raises(RamApiError) as info:
            transport.call("ims", "CreateUser", {"UserPrincipalName": "a@x", "DisplayName": "a"})
    assert len(server.received) == 3
    assert info.value.code == code
    assert info.value.retried is retried
    assert info.value.action == "CreateUser"
    assert len(fake.sleeps) == 2
    assert transport.stats["attempts"] == 3 and transport.stats["retries"] == 2


def test_the_budget_ends_retries_when_no_attempt_cap_is_set():
    """Always 503: the waits grow 0.5, 1, 2, 4 s, then the last one is cut to end exactly at the 10 s budget."""
    fake, rand = FakeTime(), UpperBound()
    started = fake.now
    with ScriptedServer([api_error("ServiceUnavailable", 503)]) as server:
        transport = make_transport(server, fake, random=rand, retry=RetryPolicy(timeout=10))
        with pytest.raises(RamApiError) as info:
            transport.call("ims", "GetUser", {"UserPrincipalName": "a@x"})
    assert info.value.code == "ServiceUnavailable"
    assert fake.sleeps == [0.5, 1.0, 2.0, 4.0, 2.5]
    assert fake.now - started == 10.0
    assert len(server.received) == 6
    assert transport.stats == {"calls": 1, "attempts": 6, "retries": 5, "throttled": 0, "longest_wait": 4.0}


def test_the_default_budget_outlasts_five_attempts():
    """Six failures in a row (what made the 5-attempt default give up) are retried through with the defaults."""
    fake, rand = FakeTime(), UpperBound()
    script = [api_error("ServiceUnavailable", 503)] * 3 + [DROP, api_error("Throttling.User", 400)] * 2 + [Reply()]
    with ScriptedServer(script) as server:
        transport = make_transport(server, fake, random=rand)
        assert transport.call("ims", "GetUser", {"UserPrincipalName": "a@x"}) == {"RequestId": "REQ-1"}
    assert len(server.received) == 8
    assert fake.sleeps == [0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 20.0]
    assert sum(fake.sleeps) <= 60


def test_max_attempts_caps_retries_inside_the_budget():
    fake, rand = FakeTime(), UpperBound()
    with ScriptedServer([api_error("InternalError", 500)]) as server:
        transport = make_transport(server, fake, random=rand, retry=RetryPolicy(max_attempts=2, timeout=3600))
        with pytest.raises(RamApiError):
            transport.call("ims", "GetUser", {"UserPrincipalName": "a@x"})
    assert len(server.received) == 2
    assert fake.sleeps == [0.5]


def test_retry_after_beyond_the_budget_left_is_not_waited_for():
    """4 s fit a 10 s budget; 7 s more do not: the call fails at once with the throttling error."""
    fake = FakeTime()
    script = [api_error("Throttling.User", 400, headers={"x-acs-retry-after": "4000"}),
              api_error("Throttling.User", 400, headers={"x-acs-retry-after": "7000"}), Reply()]
    with ScriptedServer(script) as server:
        transport = make_transport(server, fake, retry=RetryPolicy(timeout=10))
        with pytest.raises(RamApiError) as info:
            transport.call("ims", "GetUser", {"UserPrincipalName": "a@x"})
    assert info.value.code == "Throttling.User"
    assert fake.sleeps == [4.0]
    assert len(server.received) == 2
    assert transport.backoff.remaining() == 0.0  # the refused wait was not imposed on other callers either


def test_retry_after_of_several_minutes_fails_the_call_without_waiting():
    fake = FakeTime()
    with ScriptedServer([api_error("Throttling.Api", 400, headers={"x-acs-retry-after": "999999"}), Reply()]) as server:
        transport = make_transport(server, fake)
        with pytest.raises(RamApiError) as info:
            transport.call("ims", "GetUser", {"UserPrincipalName": "a@x"})
    assert info.value.code == "Throttling.Api"
    assert fake.sleeps == []
    assert len(server.received) == 1


def test_a_shared_pause_past_the_budget_stops_the_retry():
    """Another caller's throttling pushed the shared pause 100 s out: this call's retry would start past its budget."""
    fake, rand = FakeTime(), UpperBound()
    backoff = Backoff(clock=fake.clock, sleep=fake.sleep)

    def answer(request, index):
        backoff.push(100)  # what another thread does when its answer is throttled
        return api_error("ServiceUnavailable", 503)
    with ScriptedServer(responder=answer) as server:
        transport = make_transport(server, fake, random=rand, backoff=backoff)
        with pytest.raises(RamApiError) as info:
            transport.call("ims", "GetUser", {"UserPrincipalName": "a@x"})
    assert info.value.code == "ServiceUnavailable"
    assert fake.sleeps == [0.5]
    assert len(server.received) == 1


def test_the_first_attempt_waits_out_a_shared_pause_and_the_budget_starts_with_it():
    fake, rand = FakeTime(), UpperBound()
    backoff = Backoff(clock=fake.clock, sleep=fake.sleep)
    backoff.push(30)
    with ScriptedServer([api_error("ServiceUnavailable", 503)] * 3 + [Reply()]) as server:
        transport = make_transport(server, fake, random=rand, backoff=backoff, retry=RetryPolicy(timeout=5))
        transport.call("ims", "GetDefaultDomain")
    assert fake.sleeps == [30, 0.5, 1.0, 2.0]  # a 5 s budget counted from the first attempt, not from the call
    assert transport.stats["longest_wait"] == 30


def test_stats_record_the_longest_wait_of_backoff_and_shared_pause():
    fake, rand = FakeTime(), UpperBound()
    script = [api_error("Throttling.User", 400, headers={"x-acs-retry-after": "1500"}), api_error("InternalError", 500),
              DROP, Reply()]
    with ScriptedServer(script) as server:
        transport = make_transport(server, fake, random=rand)
        transport.call("ims", "GetUser", {"UserPrincipalName": "a@x"})
    assert fake.sleeps == [1.5, 1.0, 2.0]
    assert transport.stats_snapshot() == {"calls": 1, "attempts": 4, "retries": 3, "throttled": 1, "longest_wait": 2.0}


@pytest.mark.parametrize("reply, throttled", [
    (api_error("Rejected.Throttling", 400), True),  # Terraform alicloud NeedRetry
    (api_error("Throttling", 400), True),
    (api_error("Throttling.User", 400), True),
    (api_error("Throttling.Api", 400), True),
    (api_error("Throttling.API", 400), True),
    (api_error("TooManyRequests", 429), True),  # RFC 6585
    (Reply(429, raw=b"slow down"), True),
    (api_error("Forbidden.RiskControl", 403, headers={"x-acs-retry-after": "250"}), True),  # any retry-after: fact sheet 4.1
    (api_error("UnknownError", 400), False),  # aliyun-python-sdk-core retry_config.json
    (api_error("InternalError", 400), False),
    (api_error("ServiceUnavailable", 400), False),
    (api_error("InternalError", 500), False),
    (Reply(504, raw=b"gateway timeout"), False),
])
def test_published_throttling_and_transient_codes_are_retried(reply, throttled):
    fake = FakeTime()
    with ScriptedServer([reply, Reply()]) as server:
        transport = make_transport(server, fake)
        assert transport.call("ims", "GetUser", {"UserPrincipalName": "a@x"}) == {"RequestId": "REQ-1"}
    assert len(server.received) == 2
    assert transport.stats["retries"] == 1
    assert transport.stats["throttled"] == (1 if throttled else 0)


@pytest.mark.parametrize("reply, retried", [
    (api_error("Rejected.Throttling", 400), False),  # turned away: the create did not happen
    (Reply(429, raw=b"slow down"), False),
    (api_error("ServiceUnavailable", 503, headers={"x-acs-retry-after": "100"}), True),  # a 5xx may have acted
])
def test_which_throttled_answers_count_as_reaching_the_service(reply, retried):
    fake = FakeTime()
    with ScriptedServer([reply, api_error("EntityAlreadyExists.User", 409)]) as server:
        transport = make_transport(server, fake)
        with pytest.raises(RamApiError) as info:
            transport.call("ims", "CreateUser", {"UserPrincipalName": "a@x", "DisplayName": "a"})
    assert info.value.code == "EntityAlreadyExists.User"
    assert info.value.retried is retried


def test_connection_drop_then_success():
    with ScriptedServer([DROP, Reply(body={"RequestId": "ok"})]) as server:
        transport = make_transport(server)
        assert transport.call("ims", "GetDefaultDomain") == {"RequestId": "ok"}
    assert len(server.received) == 2


def test_connection_refused_is_retried_and_not_marked_as_reached():
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    fake = FakeTime()
    transport = Transport(Credentials(KEY_ID, SECRET, source="test"), endpoints={"ims": "http://127.0.0.1:%d" % port},
                          environ={}, retry=RetryPolicy(max_attempts=2), sleep=fake.sleep, clock=fake.clock, timeout=2)
    with pytest.raises(RamApiError) as info:
        transport.call("ims", "CreateLoginProfile", {"UserPrincipalName": "a@x", "Password": PASSWORD})
    assert info.value.code == "ConnectionError"
    assert info.value.retried is False
    assert transport.stats["attempts"] == 2
    assert PASSWORD not in str(info.value) and SECRET not in str(info.value)
    assert PASSWORD not in repr(info.value.to_dict())


def test_read_timeout_is_retried_and_marked_as_reached():
    def slow_then_conflict(request, index):
        if index == 0:
            time.sleep(1.5)  # longer than the client's timeout: the server got the request, the client gave up
            return Reply()
        return api_error("EntityAlreadyExists.User", 409)
    with ScriptedServer(responder=slow_then_conflict) as server:
        transport = make_transport(server, timeout=0.5, retry=RetryPolicy(max_attempts=2))
        with pytest.raises(RamApiError) as info:
            transport.call("ims", "CreateUser", {"UserPrincipalName": "a@x", "Password": PASSWORD})
    assert info.value.code == "EntityAlreadyExists.User"
    assert info.value.retried is True
    assert len(server.received) == 2


def test_read_timeout_error_text():
    def slow(request, index):
        time.sleep(1.0)
        return Reply()
    with ScriptedServer(responder=slow) as server:
        transport = make_transport(server, timeout=0.3, retry=RetryPolicy(max_attempts=1))
        with pytest.raises(RamApiError) as info:
            transport.call("ims", "CreateLoginProfile", {"UserPrincipalName": "a@x", "Password": PASSWORD})
    assert info.value.code == "Timeout"
    assert PASSWORD not in str(info.value) and SECRET not in str(info.value)


@pytest.mark.parametrize("code, status", [
    ("EntityNotExist.User", 404), ("EntityAlreadyExists.User", 409), ("InvalidParameter", 400),
    ("NoPermission", 403), ("SignatureDoesNotMatch", 400), ("SignatureNonceUsed", 400),
    ("InvalidTimeStamp.Expired", 400), ("InvalidAccessKeyId.NotFound", 404), ("LimitExceeded.User", 409),
])
def test_other_client_errors_are_not_retried(code, status):
    fake = FakeTime()
    with ScriptedServer([api_error(code, status, "the message"), Reply()]) as server:
        transport = make_transport(server, fake)
        with pytest.raises(RamApiError) as info:
            transport.call("ims", "GetUser", {"UserPrincipalName": "a@x"})
    assert len(server.received) == 1
    assert fake.sleeps == []
    error = info.value
    assert (error.code, error.http_status, error.message, error.request_id) == (code, status, "the message", "REQ-E")
    assert error.recommend.endswith(code)
    assert error.retried is False
    assert error.to_dict() == {"code": code, "message": "the message", "request_id": "REQ-E", "http_status": status,
                               "recommend": error.recommend, "action": "GetUser"}


def test_expired_security_token_refreshes_credentials_once():
    provider = RotatingProvider()

    def answer(request, index):
        if request.headers.get("x-acs-security-token") == "token-1":
            return api_error("InvalidSecurityToken.Expired", 400)
        return Reply(body={"RequestId": "fresh"})
    with ScriptedServer(responder=answer) as server:
        transport = make_transport(server, credentials=provider)
        assert transport.call("ims", "GetDefaultDomain") == {"RequestId": "fresh"}
    assert provider.invalidations == 1
    assert [r.headers["x-acs-security-token"] for r in server.received] == ["token-1", "token-2"]
    assert v3_signature_check(server.received[1], "secret-2")[:1] == ("STS.id-2",)
    assert v3_signature_check(server.received[1], "secret-2")[2]


def test_expired_security_token_is_raised_when_refresh_does_not_help():
    provider = RotatingProvider()
    with ScriptedServer([api_error("InvalidSecurityToken.Expired", 400)]) as server:
        transport = make_transport(server, credentials=provider)
        with pytest.raises(RamApiError) as info:
            transport.call("ims", "GetDefaultDomain")
    assert info.value.code == "InvalidSecurityToken.Expired"
    assert provider.invalidations == 1
    assert len(server.received) == 2


def test_errors_never_show_the_secret_or_params():
    with ScriptedServer([api_error("InvalidParameter", 400)]) as server:
        transport = make_transport(server)
        with pytest.raises(RamApiError) as info:
            transport.call("ims", "CreateLoginProfile", {"UserPrincipalName": "a@x", "Password": PASSWORD})
    text = str(info.value) + repr(info.value.to_dict()) + repr(info.value.args)
    assert PASSWORD not in text and SECRET not in text


def test_server_messages_that_echo_the_request_never_show_its_secrets():
    """A gateway may quote what it received, e.g. the string to sign of SignatureDoesNotMatch."""
    def echo(request, index):
        raw_query = "&".join("%s=%s" % pair for pair in sorted(request.query.items()))
        string_to_sign = "POST&%2F&" + signing.percent_encode(signing.canonical_query_string(request.query))
        message = "server string to sign is:%s; got %s; token %s" % (
            string_to_sign, raw_query, request.headers.get("x-acs-security-token"))
        return api_error("SignatureDoesNotMatch", 400, message)
    password = "Pa55 w/rd+&=%*-never-shown"
    provider = RotatingProvider()
    with ScriptedServer(responder=echo) as server:
        transport = make_transport(server, credentials=provider)
        with pytest.raises(RamApiError) as info:
            transport.call("ims", "ChangePassword", {"OldPassword": PASSWORD, "NewPassword": password})
    text = str(info.value) + repr(info.value.to_dict())
    forms = set()
    for value in (password, PASSWORD, "token-1"):
        once = signing.percent_encode(value)
        forms.update([value, once, signing.percent_encode(once), urlencode({"p": value})[2:]])
    assert [form for form in forms if form in text] == []
    assert "server string to sign is:POST&%2F&NewPassword%3D***" in info.value.message


PASSWORD_WITH_EVERYTHING = "P\u00e4 55 w/rd+&=\"<>'%*~\\-never-shown"


def percent(text, keep="-_.~", space="%20", lower=False):
    """An independent percent-encoder for the tests (urllib keeps "~" whatever it is told)."""
    out = []
    for byte in text.encode("utf-8"):
        char = chr(byte)
        if byte < 128 and (char.isalnum() or char in keep):
            out.append(char)
        elif char == " ":
            out.append(space)
        else:
            out.append(("%%%02x" if lower else "%%%02X") % byte)
    return "".join(out)


ECHOED_FORMS = {
    "raw": lambda v: v,
    "rfc3986": percent,
    "rfc3986 lower-case hex": lambda v: percent(v, lower=True),
    "form-encoded with +": lambda v: urlencode({"p": v})[2:],
    "form-encoded with + and lower-case hex": lambda v: percent(v, keep="-_.*", space="+", lower=True),
    "form-encoded with %20": lambda v: quote(v, safe=""),
    "double-encoded": lambda v: percent(percent(v)),
    "double-encoded lower-case": lambda v: percent(percent(v, lower=True), lower=True),
    "double form-encoded": lambda v: urlencode({"p": urlencode({"p": v})[2:]})[2:],
    "json-escaped": lambda v: json.dumps(v)[1:-1],
    "json-escaped, utf-8 kept, slash escaped": lambda v: json.dumps(v, ensure_ascii=False)[1:-1].replace("/", "\\/"),
    "html entities": html.escape,
    "html decimal entities": lambda v: html.escape(v).replace("&#x27;", "&#39;").replace("&quot;", "&#34;"),
    "html, then percent-encoded": lambda v: percent(html.escape(v)),
    "json-escaped, then html": lambda v: html.escape(json.dumps(v)[1:-1]),
    "triple-encoded": lambda v: percent(percent(percent(v))),
}


def revealed(text, secret):
    """Whether any stack of up to three decodings (percent, form, HTML, JSON) of ``text`` shows ``secret``."""
    def json_decode(value):
        try:
            return json.loads('"%s"' % value)
        except ValueError:
            return value
    decoders = (unquote, unquote_plus, html.unescape, json_decode)
    for depth in range(4):
        for chain in itertools.product(decoders, repeat=depth):
            decoded = text
            for decode in chain:
                decoded = decode(decoded)
            if secret in decoded:
                return True
    return False


@pytest.mark.parametrize("form", sorted(ECHOED_FORMS))
def test_no_echoed_form_of_a_password_survives(form):
    echoed = ECHOED_FORMS[form](PASSWORD_WITH_EVERYTHING)
    assert revealed(echoed, PASSWORD_WITH_EVERYTHING)  # the form really carries the password
    message = "Request rejected: NewPassword=%s is not allowed here" % echoed
    script = [api_error("InvalidParameter", 400, message)]
    with ScriptedServer(script) as server:
        transport = make_transport(server)
        with pytest.raises(RamApiError) as info:
            transport.call("ims", "ChangePassword", {"OldPassword": PASSWORD, "NewPassword": PASSWORD_WITH_EVERYTHING})
    for text in (str(info.value), info.value.message, repr(info.value.to_dict())):
        assert not revealed(text, PASSWORD_WITH_EVERYTHING), form
    assert info.value.message.startswith("Request rejected: NewPassword=***") or \
        info.value.message == "(the server's message is not shown: it quoted a secret value of the request)"


def test_a_scrubbed_message_keeps_its_useful_part():
    message = "The password %s does not meet the policy of user alice" % percent(PASSWORD_WITH_EVERYTHING, lower=True)
    with ScriptedServer([api_error("InvalidParameter.Password", 400, message)]) as server:
        with pytest.raises(RamApiError) as info:
            make_transport(server).call("ims", "CreateLoginProfile", {"UserPrincipalName": "a@x",
                                                                      "Password": PASSWORD_WITH_EVERYTHING})
    assert info.value.message == "The password *** does not meet the policy of user alice"


def test_a_message_quoting_a_secret_in_an_unlisted_encoding_is_withheld():
    message = "echo: %s" % percent(percent(percent(PASSWORD_WITH_EVERYTHING)))
    with ScriptedServer([api_error("InvalidParameter", 400, message)]) as server:
        with pytest.raises(RamApiError) as info:
            make_transport(server).call("ims", "CreateLoginProfile", {"UserPrincipalName": "a@x",
                                                                      "Password": PASSWORD_WITH_EVERYTHING})
    assert info.value.message == "(the server's message is not shown: it quoted a secret value of the request)"
    assert info.value.code == "InvalidParameter" and info.value.request_id == "REQ-E"


def test_messages_without_secrets_are_left_alone():
    message = "The user alice@x.onaliyun.com does not exist; see %2F docs &amp; more"
    with ScriptedServer([api_error("EntityNotExist.User", 404, message)]) as server:
        with pytest.raises(RamApiError) as info:
            make_transport(server).call("ims", "CreateLoginProfile", {"UserPrincipalName": "a@x", "Password": PASSWORD})
    assert info.value.message == message


@pytest.mark.parametrize("token", ["QQQ\u2019en-SECRETPART", "QQQ\u00e9n-SECRETPART", "QQQ en-SECRETPART",
                                   "QQQ\r\nX-Injected: SECRETPART", " SECRETPART"])
def test_a_token_that_cannot_be_a_header_fails_safely_before_sending(token):
    """requests/http.client would raise UnicodeEncodeError or InvalidHeader with the token in its text."""
    with ScriptedServer() as server:
        transport = make_transport(server, credentials=Credentials("STS.id", "sts-secret", security_token=token,
                                                                   source="module options"))
        with pytest.raises(CredentialError) as info:
            transport.call("ims", "GetDefaultDomain")
    assert server.received == []
    text = str(info.value)
    assert "SECRETPART" not in text and "QQQ" not in text
    assert text.startswith("security_token (from module options) holds a character that cannot be sent in an HTTP header")


def test_an_access_key_id_that_cannot_be_a_header_fails_safely():
    with ScriptedServer() as server:
        transport = make_transport(server, credentials=Credentials("LTAI\u2019x", SECRET, source="environment ALIBABA_CLOUD"))
        with pytest.raises(CredentialError) as info:
            transport.call("ims", "GetDefaultDomain")
    assert str(info.value).startswith("access_key_id (from environment ALIBABA_CLOUD) holds a character")
    assert "LTAI" not in str(info.value)


def test_a_missing_ca_bundle_is_a_validation_error_naming_the_option(tmp_path):
    with pytest.raises(ValidationError) as info:
        Transport(Credentials(KEY_ID, SECRET, source="test"), environ={}, ca_bundle=str(tmp_path / "missing.pem"))
    assert info.value.option == "ca_bundle"
    assert str(info.value) == "ca_bundle: %s is not a readable file (or directory) of CA certificates" % (
        tmp_path / "missing.pem")


def test_errors_raised_while_sending_are_ram_errors_without_their_text(tmp_path):
    """A CA file that disappears after the check: requests raises a bare OSError quoting the path."""
    bundle = tmp_path / "ca.pem"
    bundle.write_text("x")
    transport = Transport(Credentials(KEY_ID, SECRET, source="test"), endpoints={"ims": "https://127.0.0.1:9"},
                          environ={}, ca_bundle=str(bundle))
    os.remove(str(bundle))
    with pytest.raises(RamApiError) as info:
        transport.call("ims", "CreateLoginProfile", {"UserPrincipalName": "a@x", "Password": PASSWORD})
    assert info.value.code == "RequestError"
    assert str(info.value) == "RequestError: request to 127.0.0.1:9 could not be sent (OSError) (action CreateLoginProfile)"
    assert transport.stats["retries"] == 0


def test_an_encoding_error_inside_requests_does_not_leak_its_text(monkeypatch):
    with ScriptedServer() as server:
        transport = make_transport(server)

        def broken_post(*args, **kwargs):
            raise UnicodeEncodeError("latin-1", "Password=%s" % PASSWORD, 3, 4, "ordinal not in range(256)")
        monkeypatch.setattr(transport.session, "post", broken_post)
        with pytest.raises(RamApiError) as info:
            transport.call("ims", "CreateLoginProfile", {"UserPrincipalName": "a@x", "Password": PASSWORD})
    assert "UnicodeEncodeError" in str(info.value)
    assert PASSWORD not in str(info.value) and PASSWORD not in repr(info.value.to_dict())


# --- shared backoff and stats ----------------------------------------------------------


def test_backoff_push_only_extends_and_wait_sleeps_the_remainder():
    fake = FakeTime()
    backoff = Backoff(clock=fake.clock, sleep=fake.sleep)
    assert backoff.wait() == 0.0
    backoff.push(2.0)
    backoff.push(0.5)
    assert backoff.remaining() == 2.0
    assert backoff.wait() == 2.0
    assert backoff.remaining() == 0.0


def test_backoff_is_shared_across_threads():
    backoff = Backoff()
    started = time.monotonic()
    backoff.push(0.3)
    finished = []

    def worker():
        backoff.wait()
        finished.append(time.monotonic() - started)
    threads = [threading.Thread(target=worker) for _thread in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(5)
    assert len(finished) == 4
    assert min(finished) >= 0.29


class SignallingBackoff(Backoff):
    """A Backoff that says when a throttled answer has pushed its pause."""

    def __init__(self):
        super(SignallingBackoff, self).__init__()
        self.pushed = threading.Event()

    def push(self, seconds):
        super(SignallingBackoff, self).push(seconds)
        self.pushed.set()


def test_throttled_answer_pauses_every_transport_sharing_the_backoff():
    backoff = SignallingBackoff()
    throttled_sent = threading.Event()

    def answer(request, index):
        if index == 0:
            throttled_sent.set()
            return api_error("Throttling.Api", 400, headers={"x-acs-retry-after": "400"})
        return Reply()
    with ScriptedServer(responder=answer) as server:
        first = Transport(Credentials(KEY_ID, SECRET, source="t"), endpoints=server.endpoints(), environ={}, backoff=backoff)
        second = Transport(Credentials(KEY_ID, SECRET, source="t"), endpoints=server.endpoints(), environ={}, backoff=backoff)
        worker = threading.Thread(target=first.call, args=("ims", "GetDefaultDomain"))
        worker.start()
        assert throttled_sent.wait(5)
        assert backoff.pushed.wait(5)  # the first transport has read the answer and pushed the pause
        second.call("ims", "GetDefaultDomain")
        worker.join(5)
    throttled_at = server.received[0].arrived
    later = [r.arrived - throttled_at for r in server.received[1:]]
    assert len(later) == 2
    assert min(later) >= 0.35
    assert first.stats["throttled"] == 1 and second.stats["throttled"] == 0


def test_stats_are_counted_across_threads():
    with ScriptedServer() as server:
        transport = make_transport(server, pool_size=4)
        threads = [threading.Thread(target=transport.call, args=("ims", "GetDefaultDomain")) for _thread in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(5)
    assert transport.stats == {"calls": 8, "attempts": 8, "retries": 0, "throttled": 0, "longest_wait": 0.0}
    assert transport.stats_snapshot() == transport.stats


def test_unknown_product_is_a_bug():
    with ScriptedServer() as server:
        with pytest.raises(ValueError):
            make_transport(server).call("ecs", "DescribeInstances")


@pytest.mark.parametrize("kwargs, option", [
    ({"max_attempts": 0}, "max_attempts"), ({"max_attempts": -3}, "max_attempts"), ({"max_attempts": 2.5}, "max_attempts"),
    ({"max_attempts": True}, "max_attempts"), ({"timeout": 0}, "retry_timeout"), ({"timeout": 0.5}, "retry_timeout"),
    ({"timeout": 3601}, "retry_timeout"), ({"timeout": 60000}, "retry_timeout"), ({"timeout": None}, "retry_timeout"),
])
def test_retry_policy_rules_name_the_option(kwargs, option):
    with pytest.raises(ValidationError) as info:
        RetryPolicy(**kwargs)
    assert info.value.option == option
    assert str(info.value) in ("max_attempts: must be a whole number of at least 1, or unset for no limit",
                               "retry_timeout: must be between 1 and 3600 seconds")


def test_default_policy_is_a_60_second_budget_without_an_attempt_cap():
    policy = RetryPolicy()
    assert (policy.timeout, policy.max_attempts, policy.base_delay, policy.max_delay) == (60, None, 0.5, 20.0)
    assert policy.attempts_left(10 ** 6)
    assert RetryPolicy(max_attempts=3, timeout=3600).attempts_left(2)
    assert not RetryPolicy(max_attempts=3).attempts_left(3)


def test_jitter_bound_stays_capped_after_very_many_attempts():
    rand = UpperBound()
    policy = RetryPolicy(max_attempts=5000, base_delay=0.5, max_delay=20.0)
    assert policy.jitter_delay(4999, rand) == 20.0  # 0.5 * 2**4999 would overflow a float


@pytest.mark.parametrize("header", ["soon", "0", "-5"])
def test_unusable_retry_after_falls_back_to_jitter(header):
    fake, rand = FakeTime(), UpperBound()
    script = [api_error("Throttling", 400, headers={"x-acs-retry-after": header}), Reply()]
    with ScriptedServer(script) as server:
        transport = make_transport(server, fake, random=rand)
        transport.call("ims", "GetUser", {"UserPrincipalName": "a@x"})
    assert rand.calls == [(0, 0.5)]
    assert fake.sleeps == [0.5]
