# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The sources issue 16 added, without a network: OIDC settings, the credentials URI, STS endpoint selection."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import json
import threading
import time

import pytest

from ansible_collections.aliyun.ram.plugins.module_utils import credentials as cred
from ansible_collections.aliyun.ram.plugins.module_utils.credentials import resolve_credentials
from ansible_collections.aliyun.ram.plugins.module_utils.errors import CredentialError, ValidationError
from ansible_collections.aliyun.ram.plugins.module_utils.transport import endpoint_choices, resolve_endpoints

UTC = datetime.timezone.utc
NOW = datetime.datetime(2025, 1, 1, 12, 0, 0, tzinfo=UTC)
ROLE = "acs:ram::1234567890123456:role/deployer"
PROVIDER = "acs:ram::1234567890123456:oidc-provider/ack-rrsa"
NO_ECS = {"ALIBABA_CLOUD_ECS_METADATA_DISABLED": "true"}


class Clock:
    def __init__(self):
        self.now = NOW

    def __call__(self):
        return self.now


def answer(key_id, minutes=60, now=NOW):
    return {"AccessKeyId": key_id, "AccessKeySecret": "secret-of-%s" % key_id, "SecurityToken": "token-of-%s" % key_id,
            "Expiration": (now + datetime.timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")}


class FakeOidc:
    def __init__(self):
        self.calls = []

    def __call__(self, params):
        self.calls.append(dict(params))
        return {"Credentials": answer("STS.oidc-%d" % len(self.calls))}


def oidc_env(token_file, **extra):
    env = dict(NO_ECS, ALIBABA_CLOUD_ROLE_ARN=ROLE, ALIBABA_CLOUD_OIDC_PROVIDER_ARN=PROVIDER,
               ALIBABA_CLOUD_OIDC_TOKEN_FILE=str(token_file))
    env.update(extra)
    return env


# ---------------------------------------------------------------- OIDC


def test_oidc_environment_comes_after_the_access_key_variables(tmp_path):
    token = tmp_path / "token"
    token.write_text("first-token\n")
    oidc = FakeOidc()
    env = oidc_env(token, ALIBABA_CLOUD_ACCESS_KEY_ID="env-key", ALIBABA_CLOUD_ACCESS_KEY_SECRET="s")
    assert resolve_credentials({}, environ=env, home=str(tmp_path), oidc_call=oidc).get().access_key_id == "env-key"
    assert oidc.calls == []  # and ALIBABA_CLOUD_ROLE_ARN is the OIDC role, never assumed on top of the AccessKey


def test_oidc_rereads_the_token_at_each_refresh_and_uses_the_session_name(tmp_path):
    token = tmp_path / "token"
    token.write_text("first-token\n")
    clock, oidc = Clock(), FakeOidc()
    env = oidc_env(token, ALIBABA_CLOUD_ROLE_SESSION_NAME="a-session-name-that-is-longer-than-32-characters")
    provider = resolve_credentials({}, environ=env, home=str(tmp_path), oidc_call=oidc, clock=clock)
    assert provider.get().access_key_id == "STS.oidc-1"
    token.write_text("rotated-token")
    clock.now += datetime.timedelta(minutes=58)
    assert provider.get().access_key_id == "STS.oidc-2"
    assert [call["OIDCToken"] for call in oidc.calls] == ["first-token", "rotated-token"]
    assert oidc.calls[0] == {"RoleArn": ROLE, "OIDCProviderArn": PROVIDER, "OIDCToken": "first-token",
                             "RoleSessionName": "a-session-name-that-is-longer-than-32-characters", "DurationSeconds": 3600}


def test_oidc_options_take_the_assume_role_options_and_skip_the_environment(tmp_path):
    token = tmp_path / "token"
    token.write_text("the-token")
    oidc = FakeOidc()
    options = {"oidc_provider_arn": PROVIDER, "oidc_token_file": str(token), "assume_role_arn": ROLE,
               "assume_role_duration": 900, "assume_role_policy": '{"Version": "1", "Statement": []}'}
    env = {"ALIBABA_CLOUD_ACCESS_KEY_ID": "env-key", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "s"}
    provider = resolve_credentials(options, environ=env, home=str(tmp_path), oidc_call=oidc, sts_call=None)
    assert provider.get().source == "OIDC role %s" % ROLE
    assert oidc.calls[0]["DurationSeconds"] == 900 and oidc.calls[0]["Policy"].startswith("{")


@pytest.mark.parametrize("options, option", [
    ({"oidc_provider_arn": PROVIDER}, "oidc_token_file"),
    ({"oidc_token_file": "/tmp/t", "oidc_provider_arn": "arn:aws:iam::1:oidc-provider/x"}, "oidc_provider_arn"),
    ({"oidc_token_file": "/tmp/t", "oidc_provider_arn": PROVIDER}, "assume_role_arn"),
    ({"oidc_token_file": "/tmp/t", "oidc_provider_arn": PROVIDER, "assume_role_arn": ROLE,
      "assume_role_session_name": "x" * 65}, "assume_role_session_name"),
])
def test_oidc_options_are_checked_before_any_call(tmp_path, options, option):
    oidc = FakeOidc()
    with pytest.raises(ValidationError) as info:
        resolve_credentials(options, environ={}, home=str(tmp_path), oidc_call=oidc)
    assert info.value.option == option and oidc.calls == []


@pytest.mark.parametrize("others", [
    {"access_key_id": "option-key", "access_key_secret": "s"},
    {"access_key_id": "option-key", "access_key_secret": "s", "security_token": "t"},
    {"profile": "work"},
    {"ecs_role_name": "EcsRole"},
])
@pytest.mark.parametrize("oidc", [
    {"oidc_provider_arn": PROVIDER, "oidc_token_file": "/tmp/t", "assume_role_arn": ROLE},
    {"oidc_token_file": "/tmp/t"},
])
def test_oidc_options_with_another_source_option_are_refused_before_any_call(tmp_path, oidc, others):
    calls = []
    options = dict(oidc, **others)
    with pytest.raises(ValidationError) as info:
        resolve_credentials(options, environ={}, home=str(tmp_path), oidc_call=calls.append,
                            sts_call=lambda *args: calls.append(args))
    assert info.value.option == ", ".join(name for name in ("oidc_provider_arn", "oidc_token_file") if name in oidc)
    assert "cannot be combined with %s" % ", ".join(others) in info.value.rule
    assert calls == []
    assert "option-key" not in str(info.value) or "access_key_id" in str(info.value)


def test_a_malformed_oidc_provider_arn_is_not_echoed(tmp_path):
    with pytest.raises(ValidationError) as info:
        resolve_credentials({"oidc_token_file": "/tmp/t", "oidc_provider_arn": "secret-looking-arn"}, environ={},
                            home=str(tmp_path), oidc_call=FakeOidc())
    assert info.value.option == "oidc_provider_arn" and "secret-looking" not in str(info.value)


class SlowOidc(FakeOidc):
    def __init__(self, minutes):
        super(SlowOidc, self).__init__()
        self.minutes = minutes
        self.clock = None

    def __call__(self, params):
        time.sleep(0.02)  # long enough for the other threads to pile up on get()
        self.calls.append(dict(params))
        return {"Credentials": answer("STS.oidc-%d" % len(self.calls), self.minutes, self.clock())}


def test_threads_sharing_an_oidc_provider_fetch_once_per_expiry(tmp_path):
    token = tmp_path / "token"
    token.write_text("the-token")
    clock, oidc = Clock(), SlowOidc(60)
    oidc.clock = clock
    provider = resolve_credentials({}, environ=oidc_env(token), home=str(tmp_path), oidc_call=oidc, clock=clock)
    for round_number in range(1, 4):
        seen, start = [], threading.Barrier(8)

        def worker():
            start.wait()
            seen.append(provider.get().access_key_id)
        threads = [threading.Thread(target=worker) for _index in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(oidc.calls) == round_number
        assert seen == ["STS.oidc-%d" % round_number] * 8
        clock.now += datetime.timedelta(minutes=58)  # inside the refresh margin: the next round fetches once


def test_an_answer_already_inside_the_refresh_margin_is_kept_a_while(tmp_path):
    token = tmp_path / "token"
    token.write_text("the-token")
    clock, oidc = Clock(), SlowOidc(2)  # every answer expires in two minutes, inside the three-minute margin
    oidc.clock = clock
    provider = resolve_credentials({}, environ=oidc_env(token), home=str(tmp_path), oidc_call=oidc, clock=clock)
    for _round in range(20):
        assert provider.get().access_key_id == "STS.oidc-1"
    clock.now += cred.MIN_REFETCH_INTERVAL - datetime.timedelta(seconds=1)
    assert provider.get().access_key_id == "STS.oidc-1"
    clock.now += datetime.timedelta(seconds=1)
    assert provider.get().access_key_id == "STS.oidc-2"
    assert len(oidc.calls) == 2


def test_an_answer_inside_the_margin_is_not_kept_past_its_expiry():
    clock, fetched = Clock(), []

    def fetch():
        fetched.append(1)
        return cred.Credentials("STS.k%d" % len(fetched), "s", "t", clock() + datetime.timedelta(seconds=5))
    provider = cred.CredentialsProvider(fetch, clock=clock)
    assert provider.get().access_key_id == "STS.k1"
    clock.now += datetime.timedelta(seconds=5)  # expired, well before MIN_REFETCH_INTERVAL
    assert provider.get().access_key_id == "STS.k2"


@pytest.mark.parametrize("content, message", [("", "holds 0 characters"), ("x" * 20001, "holds 20001 characters")])
def test_oidc_token_file_content_is_checked_and_never_shown(tmp_path, content, message):
    token = tmp_path / "token"
    token.write_text(content)
    with pytest.raises(CredentialError, match=message) as info:
        resolve_credentials({}, environ=oidc_env(token), home=str(tmp_path), oidc_call=FakeOidc())
    assert "xxxx" not in str(info.value)


def test_incomplete_oidc_variables_are_listed_as_tried(tmp_path):
    env = dict(NO_ECS, ALIBABA_CLOUD_OIDC_PROVIDER_ARN=PROVIDER)
    with pytest.raises(CredentialError) as info:
        resolve_credentials({}, environ=env, home=str(tmp_path))
    assert "incomplete (ALIBABA_CLOUD_ROLE_ARN, ALIBABA_CLOUD_OIDC_TOKEN_FILE not set)" in str(info.value)


def test_ini_oidc_role_arn_type(tmp_path):
    token = tmp_path / "token"
    token.write_text("ini-token")
    ini = tmp_path / "creds.ini"
    ini.write_text("[default]\ntype = oidc_role_arn\nrole_arn = %s\noidc_provider_arn = %s\noidc_token_file_path = %s\n"
                   "role_session_name = ini-oidc\n" % (ROLE, PROVIDER, token))
    oidc = FakeOidc()
    env = dict(NO_ECS, ALIBABA_CLOUD_CREDENTIALS_FILE=str(ini))
    provider = resolve_credentials({}, environ=env, home=str(tmp_path), oidc_call=oidc, clock=Clock())
    assert provider.get().access_key_id == "STS.oidc-1"
    assert oidc.calls[0]["RoleSessionName"] == "ini-oidc"


# ---------------------------------------------------------------- credentials URI


class FakeUri:
    def __init__(self, *answers):
        self.answers = list(answers)
        self.calls = []

    def get(self, url, **kwargs):
        self.calls.append((url, kwargs))
        status, body = self.answers.pop(0)
        return type("Response", (), {"status_code": status, "text": body})()


def test_credentials_uri_refreshes_before_expiry_without_proxy_or_redirect(tmp_path):
    clock = Clock()
    http = FakeUri((200, json.dumps(dict(answer("STS.uri-1", 10), Code="Success"))),
                   (200, json.dumps(dict(answer("STS.uri-2", 70, NOW + datetime.timedelta(minutes=8)), Code="Success"))))
    env = dict(NO_ECS, ALIBABA_CLOUD_CREDENTIALS_URI="http://127.0.0.1:9/creds?x=1")
    provider = resolve_credentials({}, environ=env, home=str(tmp_path), http=http, clock=clock)
    assert provider.get().access_key_id == "STS.uri-1"
    clock.now += datetime.timedelta(minutes=6)
    assert provider.get().access_key_id == "STS.uri-1"
    clock.now += datetime.timedelta(minutes=2)  # three minutes before expiry: refreshed
    assert provider.get().access_key_id == "STS.uri-2"
    assert http.calls[0] == ("http://127.0.0.1:9/creds?x=1", {"timeout": (5, 10), "allow_redirects": False,
                                                              "proxies": {"http": None, "https": None, "all": None}})


@pytest.mark.parametrize("status, body, outcome", [
    (500, "", "answered HTTP 500"),
    (200, json.dumps({"Code": "Failed", "AccessKeySecret": "leak"}), "answered Code 'Failed'"),
    (200, "secret-looking text", "answered something that is not a credentials document"),
    (200, json.dumps({"Code": "F" * 64 + "leak"}), "answered Code %r (cut to 64 characters)" % ("F" * 64)),
])
def test_credentials_uri_failures_list_what_was_tried_and_hide_the_answer(tmp_path, status, body, outcome):
    env = dict(NO_ECS, ALIBABA_CLOUD_CREDENTIALS_URI="https://user:pass@creds.local:8443/v1/creds?sig=query-secret")
    with pytest.raises(CredentialError) as info:
        resolve_credentials({}, environ=env, home=str(tmp_path), http=FakeUri((status, body)))
    message = str(info.value)
    assert message.startswith("No Alibaba Cloud credentials found. Tried, in order: 1) module options")
    assert "credentials URI https://creds.local:8443/v1/creds: %s" % outcome in message
    for secret in ("pass", "query-secret", "leak", "secret-looking"):
        assert secret not in message


@pytest.mark.parametrize("uri", ["ftp://host/creds", "not a url", "http://:80/x"])
def test_credentials_uri_must_be_http(tmp_path, uri):
    with pytest.raises(ValidationError, match="ALIBABA_CLOUD_CREDENTIALS_URI"):
        resolve_credentials({}, environ=dict(NO_ECS, ALIBABA_CLOUD_CREDENTIALS_URI=uri), home=str(tmp_path),
                            http=FakeUri())


# ---------------------------------------------------------------- STS endpoint selection


@pytest.mark.parametrize("environ, endpoints, expected", [
    ({}, {}, (None, "https", "sts.aliyuncs.com")),
    ({"ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED": "true"}, {}, (None, "https", "sts.aliyuncs.com")),
    ({"ALIBABA_CLOUD_STS_REGION": "cn-shanghai"}, {}, ("ALIBABA_CLOUD_STS_REGION", "https", "sts.cn-shanghai.aliyuncs.com")),
    ({"ALIBABA_CLOUD_STS_REGION": "cn-shanghai", "ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED": "TRUE"}, {},
     ("ALIBABA_CLOUD_STS_REGION", "https", "sts-vpc.cn-shanghai.aliyuncs.com")),
    ({"ALIBABA_CLOUD_STS_REGION": "cn-shanghai", "ALIBABA_CLOUD_STS_ENDPOINT": "sts.example.com"}, {},
     ("ALIBABA_CLOUD_STS_ENDPOINT", "https", "sts.example.com")),
    ({"ALIBABA_CLOUD_STS_REGION": "cn-shanghai", "ALIBABA_CLOUD_STS_ENDPOINT": "sts.example.com"},
     {"sts": "http://127.0.0.1:8080"}, ("sts_endpoint", "http", "127.0.0.1:8080")),
])
def test_sts_endpoint_override_first_then_environment_then_region(environ, endpoints, expected):
    assert endpoint_choices(endpoints, environ)["sts"] == expected
    assert endpoint_choices(endpoints, environ)["ims"] == (None, "https", "ims.aliyuncs.com")


def test_sts_region_must_make_a_host_name():
    with pytest.raises(ValidationError, match="ALIBABA_CLOUD_STS_REGION"):
        resolve_endpoints({}, {"ALIBABA_CLOUD_STS_REGION": "cn shanghai/x"})


def test_oidc_call_is_unsigned_and_hides_the_token(monkeypatch):
    from ansible_collections.aliyun.ram.plugins.module_utils import common, transport
    sent = []

    class Session:
        def mount(self, *args):
            return None

        def post(self, url, data=None, headers=None, **kwargs):
            sent.append((url, dict(headers)))
            body = {"Code": "AuthenticationFail.OIDCToken.Invalid", "Message": "bad token the-oidc-token"}
            return type("Response", (), {"status_code": 400, "headers": {}, "json": lambda self: body})()

        def close(self):
            return None

    monkeypatch.setattr(transport.requests, "Session", Session)
    settings = common.transport_settings({"sts_endpoint": "https://sts.example.com"})
    settings["environ"] = {}
    with pytest.raises(Exception) as info:
        common.make_oidc_call(settings)({"RoleArn": ROLE, "OIDCProviderArn": PROVIDER, "OIDCToken": "the-oidc-token",
                                         "RoleSessionName": "s", "DurationSeconds": 900})
    assert "the-oidc-token" not in str(info.value)
    url, headers = sent[0]
    assert url.startswith("https://sts.example.com/?Action=AssumeRoleWithOIDC&") and "Version=2015-04-01" in url
    assert "Signature=" not in url and "AccessKeyId" not in url and "SignatureNonce=" in url
    assert headers["x-acs-action"] == "AssumeRoleWithOIDC" and headers["x-acs-version"] == "2015-04-01"
    assert not [name for name in headers if name.lower() in ("authorization", "x-acs-security-token",
                                                             "x-acs-signature-nonce", "x-acs-date")]
    assert cred.CLI_MODES == ("AK", "StsToken", "RamRoleArn", "EcsRamRole", "OIDC", "ChainableRamRoleArn")
