# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The network credential sources end to end against the emulator: OIDC (RRSA), the credentials URI, ECS
metadata, RamRoleArn and ChainableRamRoleArn CLI profiles.

Each long run uses short-lived credentials (the emulator's ``--sts-lifetime``) and a clock that the test moves
forward, so the provider refreshes many times in a second: every refresh is a real call to the emulator, and the
fresh credentials sign a real IMS call. No secret or token may appear in any message.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import importlib.util
import json
import os
import sys
import time

import pytest

from ansible_collections.aliyun.ram.plugins.module_utils import common, credentials as credentials_module
from ansible_collections.aliyun.ram.plugins.module_utils.credentials import resolve_credentials
from ansible_collections.aliyun.ram.plugins.module_utils.errors import CredentialError, RamApiError
from ansible_collections.aliyun.ram.plugins.module_utils.transport import Transport

EMULATOR_DIR = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "emulator"))
ACCOUNT = "1234567890123456"
ADMIN_ROLE = "acs:ram::%s:role/admin" % ACCOUNT
ECS_ROLE = "acs:ram::%s:role/EcsRamRoleDemo" % ACCOUNT
PROVIDER = "acs:ram::%s:oidc-provider/ack-rrsa" % ACCOUNT
ISSUER = "https://oidc-ack.example.com/cluster-1"
AUDIENCE = "sts.aliyuncs.com"
PROVIDER_SECRET = "provider-signing-secret"
LIFETIME = 200  # seconds; the provider refreshes three minutes before expiry, so after 20 s of the test's clock
REFRESHES = 6
# LIFETIME must exceed the margin, or every get() would refresh.


def _sts_module():
    spec = importlib.util.spec_from_file_location("_oidc_test_backend", os.path.join(EMULATOR_DIR, "ram_backend.py"))
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its parts import each other relatively, under this name
    spec.loader.exec_module(module)
    return module.sts


make_oidc_token = _sts_module().make_oidc_token


@pytest.fixture(scope="module")
def sts_emulator(emulator_client):
    with emulator_client.start_emulator(["--host", "127.0.0.1", "--sts-lifetime", str(LIFETIME)]) as handle:
        handle.admin("POST", "/_emulator/oidc-providers",
                     {"name": "ack-rrsa", "issuer": ISSUER, "audience": AUDIENCE, "secret": PROVIDER_SECRET})
        yield handle


@pytest.fixture(autouse=True)
def no_refetch_interval(monkeypatch):
    # The test's clock runs ahead of the emulator's when it refreshes, so every answer looks as if it arrived
    # inside the refresh margin, which the provider keeps for MIN_REFETCH_INTERVAL (tested in test_credentials_sources.py);
    # and it can stand a little behind the fetch time (Expiration has whole seconds). Here the interval never holds.
    monkeypatch.setattr(credentials_module, "MIN_REFETCH_INTERVAL", datetime.timedelta.min)


class Clock:
    def __init__(self):
        self.offset = datetime.timedelta(0)

    def __call__(self):
        return datetime.datetime.now(datetime.timezone.utc) + self.offset

    def advance(self, seconds):
        self.offset += datetime.timedelta(seconds=seconds)

    def into_refresh_margin(self, credentials):
        """Jump to 170 s before ``credentials`` expire: inside the three-minute margin, not yet expired."""
        real_now = datetime.datetime.now(datetime.timezone.utc)
        self.offset = credentials.expiration - datetime.timedelta(seconds=170) - real_now

    def back_to_now(self):
        # The emulator issues credentials by its own (real) clock: after a refresh the test's clock returns to it.
        self.offset = datetime.timedelta(0)


def settings_for(handle):
    settings = common.transport_settings({"ims_endpoint": handle.url, "ram_endpoint": handle.url,
                                          "sts_endpoint": handle.url, "timeout": 10})
    settings["environ"] = {}
    return settings


def resolve(handle, environ, home, clock, options=None):
    settings = settings_for(handle)
    return resolve_credentials(options or {}, environ=environ, home=str(home), clock=clock,
                               sts_call=common.make_sts_call(settings), oidc_call=common.make_oidc_call(settings))


def ims_call_works(handle, provider):
    transport = Transport(provider, **settings_for(handle))
    try:
        return "PasswordPolicy" in transport.call("ims", "GetPasswordPolicy", {})
    finally:
        transport.close()


def long_run(handle, provider, clock, between=None):
    """Refresh REFRESHES times; each set of credentials is new and signs a real call. Returns the key IDs."""
    seen = []
    for round_number in range(REFRESHES):
        if between is not None:
            between(round_number)
        credentials = provider.get()
        clock.back_to_now()
        assert credentials.access_key_id.startswith("STS.")
        seen.append(credentials.access_key_id)
        assert ims_call_works(handle, provider)
        assert provider.get() is credentials   # cached until close to expiry
        clock.into_refresh_margin(credentials)  # the next get() refreshes
    assert len(set(seen)) == REFRESHES, seen
    return seen


def write_token(path, subject="system:serviceaccount:ops:ansible", lifetime=3600, secret=PROVIDER_SECRET,
                issuer=ISSUER, audience=AUDIENCE):
    token = make_oidc_token(secret, issuer, audience, subject, time.time(), lifetime)
    path.write_text(token)
    return token


def assert_no_secret(text, *secrets):
    for secret in secrets:
        assert secret not in text


OIDC_ENV = {"ALIBABA_CLOUD_ROLE_ARN": ADMIN_ROLE, "ALIBABA_CLOUD_OIDC_PROVIDER_ARN": PROVIDER,
            "ALIBABA_CLOUD_ROLE_SESSION_NAME": "ansible-rrsa-session", "ALIBABA_CLOUD_ECS_METADATA_DISABLED": "true"}


# ---------------------------------------------------------------- OIDC (RRSA)


def test_oidc_from_environment_over_a_long_run_rereads_the_rotated_token(sts_emulator, tmp_path):
    token_file = tmp_path / "token"
    tokens = [write_token(token_file)]
    environ = dict(OIDC_ENV, ALIBABA_CLOUD_OIDC_TOKEN_FILE=str(token_file))
    clock = Clock()
    provider = resolve(sts_emulator, environ, tmp_path, clock)

    def rotate(round_number):  # Kubernetes rotates the projected token; each refresh must read the new one
        if round_number:
            tokens.append(write_token(token_file, subject="rotation-%d" % round_number))
    long_run(sts_emulator, provider, clock, between=rotate)
    assert provider.get().source == "OIDC role %s" % ADMIN_ROLE
    calls = [entry for entry in sts_emulator.log_entries() if entry["action"] == "AssumeRoleWithOIDC"]
    assert len(calls) >= REFRESHES and all(entry["status"] == 200 for entry in calls[-REFRESHES:])
    assert all(entry["params"]["OIDCToken"] == "***" and entry["access_key_id"] is None for entry in calls)

    # A token the provider did not sign: the next refresh (past expiry) fails, naming the code, never the token.
    bad = write_token(token_file, secret="another-signing-key")
    clock.advance(LIFETIME)
    with pytest.raises(RamApiError) as info:
        provider.get()
    assert info.value.code == "AuthenticationFail.OIDCToken.Invalid"
    assert_no_secret(str(info.value), bad, PROVIDER_SECRET, *tokens)


def test_oidc_request_is_unsigned(sts_emulator, tmp_path):
    token_file = tmp_path / "token"
    write_token(token_file)
    seen = []
    settings = settings_for(sts_emulator)
    real_call = common.make_oidc_call(settings)

    def oidc_call(params):
        seen.append(sorted(params))
        return real_call(params)
    provider = resolve_credentials({}, environ=dict(OIDC_ENV, ALIBABA_CLOUD_OIDC_TOKEN_FILE=str(token_file)),
                                   home=str(tmp_path), oidc_call=oidc_call)
    provider.get()
    assert seen == [["DurationSeconds", "OIDCProviderArn", "OIDCToken", "RoleArn", "RoleSessionName"]]
    entry = [e for e in sts_emulator.log_entries() if e["action"] == "AssumeRoleWithOIDC"][-1]
    assert entry["auth"] not in ("v3", "classic") and entry["access_key_id"] is None


def test_oidc_module_options_through_client_from_params(sts_emulator, tmp_path):
    token_file = tmp_path / "token"
    token = write_token(token_file)
    params = {"ims_endpoint": sts_emulator.url, "ram_endpoint": sts_emulator.url, "sts_endpoint": sts_emulator.url,
              "assume_role_arn": ECS_ROLE, "oidc_provider_arn": PROVIDER, "oidc_token_file": str(token_file),
              "assume_role_session_name": "a-session-name-longer-than-thirty-two-characters", "timeout": 10}
    client = common.client_from_params(params, environ={"ALIBABA_CLOUD_ACCESS_KEY_ID": "ignored-env-key",
                                                        "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "s"})
    try:
        assert "PasswordPolicy" in client.transport.call("ims", "GetPasswordPolicy", {})
        assert client.transport.credentials.get().source == "OIDC role %s" % ECS_ROLE
    finally:
        client.transport.close()
    assert_no_secret(repr(client.transport.credentials), token)


@pytest.mark.parametrize("change, code", [
    (dict(audience="someone-else"), "AuthenticationFail.OIDCToken.AudienceNotMatch"),
    (dict(issuer="https://other-issuer"), "AuthenticationFail.OIDCToken.IssuerNotMatch"),
    (dict(lifetime=-60), "AuthenticationFail.OIDCToken.Expired"),
])
def test_oidc_token_refusals_name_the_code_not_the_token(sts_emulator, tmp_path, change, code):
    token_file = tmp_path / "token"
    token = write_token(token_file, **change)
    with pytest.raises(RamApiError) as info:
        resolve(sts_emulator, dict(OIDC_ENV, ALIBABA_CLOUD_OIDC_TOKEN_FILE=str(token_file)), tmp_path, Clock())
    assert info.value.code == code
    assert_no_secret(str(info.value) + json.dumps(info.value.to_dict()), token)


def test_oidc_unknown_provider_and_missing_token_file(sts_emulator, tmp_path):
    token_file = tmp_path / "token"
    write_token(token_file)
    environ = dict(OIDC_ENV, ALIBABA_CLOUD_OIDC_TOKEN_FILE=str(token_file),
                   ALIBABA_CLOUD_OIDC_PROVIDER_ARN="acs:ram::%s:oidc-provider/nobody" % ACCOUNT)
    with pytest.raises(RamApiError) as info:
        resolve(sts_emulator, environ, tmp_path, Clock())
    assert info.value.code == "AuthenticationFail.NoPermission"
    environ = dict(OIDC_ENV, ALIBABA_CLOUD_OIDC_TOKEN_FILE=str(tmp_path / "absent"))
    with pytest.raises(CredentialError, match="cannot read the OIDC token file .*absent"):
        resolve(sts_emulator, environ, tmp_path, Clock())


def test_oidc_cli_profile_mode(sts_emulator, tmp_path):
    token_file = tmp_path / "token"
    write_token(token_file)
    (tmp_path / ".aliyun").mkdir()
    (tmp_path / ".aliyun" / "config.json").write_text(json.dumps({"current": "rrsa", "profiles": [
        {"name": "rrsa", "mode": "OIDC", "ram_role_arn": ADMIN_ROLE, "oidc_provider_arn": PROVIDER,
         "oidc_token_file": str(token_file), "role_session_name": "cli-oidc"}]}))
    provider = resolve(sts_emulator, {"ALIBABA_CLOUD_ECS_METADATA_DISABLED": "true"}, tmp_path, Clock())
    assert provider.get().source == "OIDC role %s" % ADMIN_ROLE
    assert ims_call_works(sts_emulator, provider)


# ---------------------------------------------------------------- credentials URI and ECS metadata


def test_credentials_uri_over_a_long_run(sts_emulator, tmp_path):
    environ = {"ALIBABA_CLOUD_CREDENTIALS_URI": sts_emulator.url + "/_emulator/credentials-uri",
               "ALIBABA_CLOUD_ECS_METADATA_DISABLED": "true"}
    clock = Clock()
    provider = resolve(sts_emulator, environ, tmp_path, clock)
    long_run(sts_emulator, provider, clock)
    assert provider.get().source == "credentials URI %s/_emulator/credentials-uri" % sts_emulator.url


def test_credentials_uri_failure_lists_what_was_tried_without_the_query(sts_emulator, tmp_path):
    environ = {"ALIBABA_CLOUD_CREDENTIALS_URI": sts_emulator.url + "/_emulator/no-such-path?token=query-secret",
               "ALIBABA_CLOUD_ECS_METADATA_DISABLED": "true"}
    with pytest.raises(CredentialError) as info:
        resolve(sts_emulator, environ, tmp_path, Clock())
    message = str(info.value)
    assert_no_secret(message, "query-secret")
    order = ["ALIBABA_CLOUD_ACCESS_KEY_ID", "ALICLOUD_ACCESS_KEY", "OIDC role", "CLI profile file", "INI credentials file",
             "ECS instance RAM role", "credentials URI %s/_emulator/no-such-path: answered HTTP 404" % sts_emulator.url]
    positions = [message.find(part) for part in order]
    assert -1 not in positions and positions == sorted(positions), message


def test_ecs_metadata_over_a_long_run(sts_emulator, tmp_path):
    clock = Clock()
    provider = resolve(sts_emulator, {"ALIBABA_CLOUD_IMDS_ENDPOINT": sts_emulator.url}, tmp_path, clock)
    long_run(sts_emulator, provider, clock)
    assert provider.get().source == "ECS RAM role 'EcsRamRoleDemo'"


# ---------------------------------------------------------------- RamRoleArn and ChainableRamRoleArn CLI profiles


def write_cli(home, current, profiles):
    (home / ".aliyun").mkdir(exist_ok=True)
    (home / ".aliyun" / "config.json").write_text(json.dumps({"current": current, "profiles": profiles}))


BASE_PROFILE = {"name": "base", "mode": "AK", "access_key_id": "testid", "access_key_secret": "testsecret"}


def test_ram_role_arn_profile_over_a_long_run(sts_emulator, tmp_path):
    write_cli(tmp_path, "role", [dict(BASE_PROFILE, name="role", mode="RamRoleArn", ram_role_arn=ADMIN_ROLE,
                                      ram_session_name="cli-role", expired_seconds=900)])
    clock = Clock()
    provider = resolve(sts_emulator, {"ALIBABA_CLOUD_ECS_METADATA_DISABLED": "true"}, tmp_path, clock)
    long_run(sts_emulator, provider, clock)
    assert provider.get().source == "assume role %s" % ADMIN_ROLE


def test_chainable_ram_role_arn_profile_over_a_long_run(sts_emulator, tmp_path):
    write_cli(tmp_path, "second", [
        BASE_PROFILE,
        {"name": "first", "mode": "ChainableRamRoleArn", "source_profile": "base", "ram_role_arn": ECS_ROLE,
         "ram_session_name": "hop-one"},
        {"name": "second", "mode": "ChainableRamRoleArn", "source_profile": "first", "ram_role_arn": ADMIN_ROLE,
         "ram_session_name": "hop-two"}])
    clock = Clock()
    provider = resolve(sts_emulator, {"ALIBABA_CLOUD_ECS_METADATA_DISABLED": "true"}, tmp_path, clock)
    long_run(sts_emulator, provider, clock)
    assert provider.get().source == "assume role %s" % ADMIN_ROLE
    sessions = [e["params"]["RoleSessionName"] for e in sts_emulator.log_entries() if e["action"] == "AssumeRole"]
    assert sessions[-2:] == ["hop-one", "hop-two"]


def test_chainable_profile_loop_and_unsupported_modes_are_clear_errors(tmp_path):
    write_cli(tmp_path, "a", [{"name": "a", "mode": "ChainableRamRoleArn", "source_profile": "b", "ram_role_arn": ADMIN_ROLE},
                              {"name": "b", "mode": "ChainableRamRoleArn", "source_profile": "a", "ram_role_arn": ADMIN_ROLE}])
    with pytest.raises(CredentialError, match="a -> b -> a"):
        resolve_credentials({}, environ={}, home=str(tmp_path))
    for mode in ("CloudSSO", "OAuth", "External", "CredentialsURI", "RsaKeyPair", "RamRoleArnWithRoleName"):
        write_cli(tmp_path, "p", [{"name": "p", "mode": mode, "access_key_secret": "mode-secret"}])
        with pytest.raises(CredentialError) as info:
            resolve_credentials({}, environ={}, home=str(tmp_path))
        assert "mode %r, which is not supported" % mode in str(info.value)
        assert_no_secret(str(info.value), "mode-secret")


def test_a_chain_that_is_only_too_deep_is_not_called_a_loop(tmp_path):
    names = ["p%d" % index for index in range(12)]
    profiles = [{"name": name, "mode": "ChainableRamRoleArn", "source_profile": follower, "ram_role_arn": ADMIN_ROLE}
                for name, follower in zip(names, names[1:])]
    profiles.append({"name": names[-1], "mode": "AK", "access_key_id": "k", "access_key_secret": "s"})
    write_cli(tmp_path, "p0", profiles)
    with pytest.raises(CredentialError) as info:
        resolve_credentials({}, environ={}, home=str(tmp_path))
    assert "longer than 10 profiles" in str(info.value) and "loop" not in str(info.value)


# ---------------------------------------------------------------- a whole module, as a task runs it


def test_a_module_in_an_rrsa_pod_prints_no_token_or_secret(sts_emulator, tmp_path, monkeypatch, run_module):
    from ansible_collections.aliyun.ram.plugins.modules import ram_user_info

    token_file = tmp_path / "token"
    token = write_token(token_file)
    for name in list(os.environ):
        if name.startswith(("ALIBABA_CLOUD_", "ALICLOUD_")):
            monkeypatch.delenv(name)
    for name, value in dict(OIDC_ENV, ALIBABA_CLOUD_OIDC_TOKEN_FILE=str(token_file), ALIBABA_CLOUD_IMS_ENDPOINT=sts_emulator.url,
                            ALIBABA_CLOUD_RAM_ENDPOINT=sts_emulator.url, ALIBABA_CLOUD_STS_ENDPOINT=sts_emulator.url).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("HOME", str(tmp_path))
    result = run_module(ram_user_info, {})
    assert result.get("failed") is not True, result
    issued = [e for e in sts_emulator.log_entries() if e["action"] == "AssumeRoleWithOIDC"]
    assert issued and issued[-1]["status"] == 200
    assert_no_secret(result.output, token, PROVIDER_SECRET)

    bad = write_token(token_file, audience="someone-else")
    result = run_module(ram_user_info, {})
    assert result["failed"] is True and "AuthenticationFail.OIDCToken.AudienceNotMatch" in result["msg"]
    assert_no_secret(result.output, bad, token, PROVIDER_SECRET)
