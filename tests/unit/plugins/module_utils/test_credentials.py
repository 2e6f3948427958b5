# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import json
import threading
import traceback

import pytest

from ansible_collections.aliyun.ram.plugins.module_utils import credentials as cred
from ansible_collections.aliyun.ram.plugins.module_utils.credentials import (
    Credentials, CredentialsProvider, resolve_credentials, parse_expiration)
from ansible_collections.aliyun.ram.plugins.module_utils.errors import CredentialError, ValidationError

UTC = datetime.timezone.utc
NOW = datetime.datetime(2025, 1, 1, 12, 0, 0, tzinfo=UTC)
ROLE_ARN = "acs:ram::1234567890123456:role/deployer"
IMDS = "http://100.100.100.200"
NO_ECS = {"ALIBABA_CLOUD_ECS_METADATA_DISABLED": "true"}


class FakeClock:
    def __init__(self, now=NOW):
        self.now = now

    def __call__(self):
        return self.now

    def advance(self, **delta):
        self.now += datetime.timedelta(**delta)


class FakeResponse:
    def __init__(self, status_code=200, text=""):
        self.status_code = status_code
        self.text = text


class FakeMetadata:
    """A requests-like session playing the ECS metadata service.

    ``routes`` maps (method, path) to a FakeResponse or an exception instance to raise. Each call is recorded
    as (method, path, headers, timeout, other keyword arguments); every call must turn proxies and redirects off.
    """

    def __init__(self, routes):
        self.routes = routes
        self.calls = []

    def _answer(self, method, url, headers, timeout, extra):
        assert url.startswith(IMDS)
        assert extra == {"proxies": {"http": None, "https": None, "all": None}, "allow_redirects": False}, extra
        path = url[len(IMDS):]
        self.calls.append((method, path, dict(headers or {}), timeout, extra))
        answer = self.routes.get((method, path), FakeResponse(404, "not found"))
        if isinstance(answer, Exception):
            raise answer
        return answer

    def put(self, url, headers=None, timeout=None, **extra):
        return self._answer("PUT", url, headers, timeout, extra)

    def get(self, url, headers=None, timeout=None, **extra):
        return self._answer("GET", url, headers, timeout, extra)


def ecs_document(key_id="STS.ecs-id", expiration="2025-01-01T18:00:00Z", code="Success"):
    return json.dumps({"Code": code, "AccessKeyId": key_id, "AccessKeySecret": "ecs-secret-value",
                       "SecurityToken": "ecs-token-value", "Expiration": expiration, "LastUpdated": "2025-01-01T12:00:00Z"})


def metadata(role="web", token="imds-token", document=None, token_answer=None):
    routes = {
        ("PUT", "/latest/api/token"): token_answer if token_answer is not None else FakeResponse(200, token),
        ("GET", "/latest/meta-data/ram/security-credentials/"): FakeResponse(200, role),
    }
    if role:
        routes[("GET", "/latest/meta-data/ram/security-credentials/%s" % role)] = FakeResponse(200, document or ecs_document())
    return FakeMetadata(routes)


class FakeSts:
    """Records AssumeRole calls and answers with numbered credentials valid for the asked duration."""

    def __init__(self, clock):
        self.clock = clock
        self.calls = []
        self.lock = threading.Lock()

    def __call__(self, source, params):
        with self.lock:
            self.calls.append((source, dict(params)))
            number = len(self.calls)
        expires = self.clock() + datetime.timedelta(seconds=params["DurationSeconds"])
        return {"RequestId": "req", "Credentials": {
            "AccessKeyId": "STS.assumed-%d" % number, "AccessKeySecret": "assumed-secret-%d" % number,
            "SecurityToken": "assumed-token-%d" % number, "Expiration": expires.strftime("%Y-%m-%dT%H:%M:%SZ")}}


def lookup(options=None, environ=None, home="/nonexistent-home", sts_call=None, http=None, clock=None):
    return cred._Lookup(options or {}, environ or {}, str(home), sts_call, http, clock or FakeClock())


def write_cli_config(home, profiles, current=None):
    folder = home / ".aliyun"
    folder.mkdir(exist_ok=True)
    config = {"profiles": profiles}
    if current is not None:
        config["current"] = current
    (folder / "config.json").write_text(json.dumps(config))


def write_ini(path, text):
    path.parent.mkdir(exist_ok=True)
    path.write_text(text)
    return path


# ---------------------------------------------------------------- Credentials and parsing


def test_credentials_repr_and_str_show_id_source_expiry_but_no_secret():
    creds = Credentials("LTAIid", "very-secret", "very-token", NOW, source="module options")
    for text in (repr(creds), str(creds), repr(CredentialsProvider(lambda: creds, initial=creds))):
        assert "LTAIid" in text and "module options" in text and "2025-01-01T12:00:00" in text
        assert "very-secret" not in text and "very-token" not in text


def test_credentials_are_immutable():
    creds = Credentials("id", "secret", source="x")
    with pytest.raises(AttributeError):
        creds.access_key_secret = "other"
    with pytest.raises(AttributeError):
        del creds.access_key_id
    assert creds.access_key_secret == "secret"


def test_credentials_reject_naive_expiration():
    with pytest.raises(ValueError):
        Credentials("id", "secret", expiration=datetime.datetime(2025, 1, 1))


@pytest.mark.parametrize("text, expected", [
    ("2025-01-01T00:00:00Z", datetime.datetime(2025, 1, 1, tzinfo=UTC)),
    ("2025-01-01T00:00:00.250Z", datetime.datetime(2025, 1, 1, 0, 0, 0, 250000, tzinfo=UTC)),
    ("2025-01-01T08:00:00+08:00", datetime.datetime(2025, 1, 1, tzinfo=UTC)),
    ("2025-01-01T00:00:00", datetime.datetime(2025, 1, 1, tzinfo=UTC)),
])
def test_parse_expiration_gives_aware_datetimes(text, expected):
    parsed = parse_expiration(text)
    assert parsed.tzinfo is not None
    assert parsed == expected


def test_parse_expiration_rejects_garbage():
    with pytest.raises(CredentialError):
        parse_expiration("tomorrow")


# ---------------------------------------------------------------- step 1: module options


def test_options_pair_with_token():
    creds = cred.credentials_from_options(lookup({"access_key_id": "id", "access_key_secret": "sec", "security_token": "tok"}))
    assert (creds.access_key_id, creds.access_key_secret, creds.security_token, creds.source) == ("id", "sec", "tok", "module options")


def test_options_unset_is_not_found():
    assert cred.credentials_from_options(lookup({"access_key_id": None, "access_key_secret": ""})) is None


@pytest.mark.parametrize("given, missing", [("access_key_id", "access_key_secret"), ("access_key_secret", "access_key_id")])
def test_options_half_pair_names_the_missing_option(given, missing):
    with pytest.raises(CredentialError) as info:
        cred.credentials_from_options(lookup({given: "half-secret-value"}))
    assert missing in str(info.value)
    assert "half-secret-value" not in str(info.value)


def test_options_token_without_pair_is_an_error():
    with pytest.raises(CredentialError, match="security_token"):
        cred.credentials_from_options(lookup({"security_token": "tok"}))


# ---------------------------------------------------------------- step 2: environment


def test_environment_primary_family_with_token():
    creds = cred.credentials_from_environment(lookup(environ={
        "ALIBABA_CLOUD_ACCESS_KEY_ID": "id", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "sec", "ALIBABA_CLOUD_SECURITY_TOKEN": "tok"}))
    assert (creds.access_key_id, creds.access_key_secret, creds.security_token) == ("id", "sec", "tok")
    assert creds.source == "environment ALIBABA_CLOUD_*"


def test_environment_legacy_family():
    creds = cred.credentials_from_environment(lookup(environ={
        "ALICLOUD_ACCESS_KEY": "old-id", "ALICLOUD_SECRET_KEY": "old-sec", "ALICLOUD_SECURITY_TOKEN": "old-tok"}))
    assert (creds.access_key_id, creds.access_key_secret, creds.security_token) == ("old-id", "old-sec", "old-tok")
    assert creds.source == "environment ALICLOUD_*"


def test_environment_primary_family_beats_legacy_and_tokens_do_not_mix():
    creds = cred.credentials_from_environment(lookup(environ={
        "ALIBABA_CLOUD_ACCESS_KEY_ID": "new-id", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "new-sec",
        "ALICLOUD_ACCESS_KEY": "old-id", "ALICLOUD_SECRET_KEY": "old-sec", "ALICLOUD_SECURITY_TOKEN": "old-tok"}))
    assert creds.access_key_id == "new-id"
    assert creds.security_token is None


def test_environment_empty_values_count_as_unset():
    environ = {"ALIBABA_CLOUD_ACCESS_KEY_ID": "", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "", "ALIBABA_CLOUD_SECURITY_TOKEN": "",
               "ALICLOUD_ACCESS_KEY": "old-id", "ALICLOUD_SECRET_KEY": "old-sec", "ALICLOUD_SECURITY_TOKEN": ""}
    creds = cred.credentials_from_environment(lookup(environ=environ))
    assert creds.access_key_id == "old-id"
    assert creds.security_token is None
    assert cred.credentials_from_environment(lookup(environ={"ALICLOUD_ACCESS_KEY": "", "ALICLOUD_SECRET_KEY": ""})) is None


@pytest.mark.parametrize("environ, missing", [
    ({"ALIBABA_CLOUD_ACCESS_KEY_ID": "id"}, "ALIBABA_CLOUD_ACCESS_KEY_SECRET"),
    ({"ALIBABA_CLOUD_ACCESS_KEY_SECRET": "env-secret-value"}, "ALIBABA_CLOUD_ACCESS_KEY_ID"),
    ({"ALICLOUD_SECRET_KEY": "env-secret-value", "ALIBABA_CLOUD_ACCESS_KEY_ID": ""}, "ALICLOUD_ACCESS_KEY"),
    ({"ALICLOUD_ACCESS_KEY": "id"}, "ALICLOUD_SECRET_KEY"),
])
def test_environment_half_pair_names_the_missing_variable(environ, missing):
    with pytest.raises(CredentialError) as info:
        cred.credentials_from_environment(lookup(environ=environ))
    assert "%s is missing" % missing in str(info.value)
    assert "env-secret-value" not in str(info.value)


# ---------------------------------------------------------------- step 3: aliyun CLI profile


def test_cli_profile_ak_mode_uses_current(tmp_path):
    write_cli_config(tmp_path, [{"name": "default", "mode": "AK", "access_key_id": "d-id", "access_key_secret": "d-sec"},
                                {"name": "work", "mode": "AK", "access_key_id": "w-id", "access_key_secret": "w-sec"}], current="work")
    creds = cred.credentials_from_cli_profile(lookup(home=tmp_path))
    assert (creds.access_key_id, creds.access_key_secret) == ("w-id", "w-sec")
    assert creds.source == "CLI profile 'work' (%s)" % (tmp_path / ".aliyun" / "config.json")


def test_cli_profile_selection_option_beats_env_beats_current(tmp_path):
    write_cli_config(tmp_path, [{"name": n, "mode": "AK", "access_key_id": n + "-id", "access_key_secret": "s"}
                                for n in ("cur", "env", "opt")], current="cur")
    assert cred.credentials_from_cli_profile(lookup(home=tmp_path)).access_key_id == "cur-id"
    env = {"ALIBABA_CLOUD_PROFILE": "env"}
    assert cred.credentials_from_cli_profile(lookup(environ=env, home=tmp_path)).access_key_id == "env-id"
    assert cred.credentials_from_cli_profile(lookup({"profile": "opt"}, environ=env, home=tmp_path)).access_key_id == "opt-id"


def test_cli_profile_without_current_uses_default(tmp_path):
    write_cli_config(tmp_path, [{"name": "default", "mode": "AK", "access_key_id": "d-id", "access_key_secret": "s"}])
    assert cred.credentials_from_cli_profile(lookup(home=tmp_path)).access_key_id == "d-id"


def test_cli_profile_missing_file_or_profile_is_not_found(tmp_path):
    found = lookup(home=tmp_path)
    assert cred.credentials_from_cli_profile(found) is None
    assert "not found" in found.tried[-1]
    write_cli_config(tmp_path, [{"name": "other", "mode": "AK", "access_key_id": "i", "access_key_secret": "s"}], current="gone")
    found = lookup(home=tmp_path)
    assert cred.credentials_from_cli_profile(found) is None
    assert "no profile 'gone'" in found.tried[-1]


def test_cli_profile_sts_token_mode(tmp_path):
    write_cli_config(tmp_path, [{"name": "sts", "mode": "StsToken", "access_key_id": "STS.id", "access_key_secret": "s",
                                 "sts_token": "tok"}], current="sts")
    creds = cred.credentials_from_cli_profile(lookup(home=tmp_path))
    assert (creds.access_key_id, creds.security_token) == ("STS.id", "tok")


def test_cli_profile_sts_token_mode_without_token_is_an_error(tmp_path):
    write_cli_config(tmp_path, [{"name": "sts", "mode": "StsToken", "access_key_id": "i", "access_key_secret": "s"}], current="sts")
    with pytest.raises(CredentialError, match="sts_token"):
        cred.credentials_from_cli_profile(lookup(home=tmp_path))


def test_cli_profile_ram_role_arn_mode_assumes_the_role(tmp_path):
    write_cli_config(tmp_path, [{"name": "role", "mode": "RamRoleArn", "access_key_id": "src-id", "access_key_secret": "src-sec",
                                 "ram_role_arn": ROLE_ARN, "ram_session_name": "alice", "expired_seconds": 1800,
                                 "external_id": "ext"}], current="role")
    clock = FakeClock()
    sts = FakeSts(clock)
    creds = cred.credentials_from_cli_profile(lookup(home=tmp_path, sts_call=sts, clock=clock))
    (source, params), = sts.calls
    assert (source.access_key_id, source.access_key_secret) == ("src-id", "src-sec")
    assert params == {"RoleArn": ROLE_ARN, "RoleSessionName": "alice", "DurationSeconds": 1800, "ExternalId": "ext"}
    assert creds.access_key_id == "STS.assumed-1"
    assert creds.expiration == NOW + datetime.timedelta(seconds=1800)


def test_cli_profile_ram_role_arn_mode_validates_before_calling(tmp_path):
    write_cli_config(tmp_path, [{"name": "role", "mode": "RamRoleArn", "access_key_id": "i", "access_key_secret": "s",
                                 "ram_role_arn": "arn:aws:iam::1:role/x"}], current="role")
    sts = FakeSts(FakeClock())
    with pytest.raises(ValidationError, match="ram_role_arn"):
        cred.credentials_from_cli_profile(lookup(home=tmp_path, sts_call=sts))
    assert sts.calls == []


def test_cli_profile_ecs_ram_role_mode_reads_metadata(tmp_path):
    write_cli_config(tmp_path, [{"name": "ecs", "mode": "EcsRamRole", "ram_role_name": "web"}], current="ecs")
    http = metadata(role="web")
    creds = cred.credentials_from_cli_profile(lookup(home=tmp_path, http=http))
    assert creds.access_key_id == "STS.ecs-id"
    assert ("GET", "/latest/meta-data/ram/security-credentials/") not in [call[:2] for call in http.calls]


def test_cli_profile_unknown_mode_names_it_and_the_supported_ones(tmp_path):
    write_cli_config(tmp_path, [{"name": "sso", "mode": "CloudSSO"}], current="sso")
    with pytest.raises(CredentialError) as info:
        cred.credentials_from_cli_profile(lookup(home=tmp_path))
    message = str(info.value)
    assert "CloudSSO" in message
    for mode in ("AK", "StsToken", "RamRoleArn", "EcsRamRole"):
        assert mode in message


def test_cli_profile_half_pair_is_an_error_without_the_secret(tmp_path):
    write_cli_config(tmp_path, [{"name": "default", "mode": "AK", "access_key_id": "", "access_key_secret": "cli-secret-value"}])
    with pytest.raises(CredentialError) as info:
        cred.credentials_from_cli_profile(lookup(home=tmp_path))
    assert "access_key_id is missing" in str(info.value)
    assert "cli-secret-value" not in str(info.value)


def test_cli_profile_empty_ak_profile_is_not_found_unless_named(tmp_path):
    write_cli_config(tmp_path, [{"name": "default", "mode": "AK", "access_key_id": "", "access_key_secret": ""}])
    assert cred.credentials_from_cli_profile(lookup(home=tmp_path)) is None
    with pytest.raises(CredentialError):
        cred.credentials_from_cli_profile(lookup({"profile": "default"}, home=tmp_path))


def test_cli_profile_unreadable_json_is_an_error(tmp_path):
    (tmp_path / ".aliyun").mkdir()
    (tmp_path / ".aliyun" / "config.json").write_text('{"profiles": [{"access_key_secret": "json-secret-value"')
    with pytest.raises(CredentialError) as info:
        cred.credentials_from_cli_profile(lookup(home=tmp_path))
    assert "json-secret-value" not in str(info.value)


# ---------------------------------------------------------------- step 4: INI file


def test_ini_access_key_from_env_file(tmp_path):
    path = write_ini(tmp_path / "conf" / "creds.ini", "[default]\ntype = access_key   # comment\naccess_key_id = i\naccess_key_secret = s\n")
    creds = cred.credentials_from_ini_file(lookup(environ={"ALIBABA_CLOUD_CREDENTIALS_FILE": str(path)}, home=tmp_path))
    assert (creds.access_key_id, creds.access_key_secret) == ("i", "s")
    assert creds.source == "INI profile [default] (%s)" % path


def test_ini_default_path_and_section_selection(tmp_path):
    write_ini(tmp_path / ".alibabacloud" / "credentials.ini",
              "[default]\ntype = access_key\naccess_key_id = d\naccess_key_secret = s\n"
              "[envsec]\ntype = access_key\naccess_key_id = e\naccess_key_secret = s\n"
              "[optsec]\ntype = access_key\naccess_key_id = o\naccess_key_secret = s\n")
    assert cred.credentials_from_ini_file(lookup(home=tmp_path)).access_key_id == "d"
    env = {"ALIBABA_CLOUD_PROFILE": "envsec"}
    assert cred.credentials_from_ini_file(lookup(environ=env, home=tmp_path)).access_key_id == "e"
    assert cred.credentials_from_ini_file(lookup({"profile": "optsec"}, environ=env, home=tmp_path)).access_key_id == "o"


def test_ini_env_file_beats_default_file(tmp_path):
    write_ini(tmp_path / ".alibabacloud" / "credentials.ini", "[default]\naccess_key_id = default-file\naccess_key_secret = s\n")
    path = write_ini(tmp_path / "other.ini", "[default]\naccess_key_id = env-file\naccess_key_secret = s\n")
    creds = cred.credentials_from_ini_file(lookup(environ={"ALIBABA_CLOUD_CREDENTIALS_FILE": str(path)}, home=tmp_path))
    assert creds.access_key_id == "env-file"


def test_ini_missing_files(tmp_path):
    found = lookup(home=tmp_path)
    assert cred.credentials_from_ini_file(found) is None
    assert "ALIBABA_CLOUD_CREDENTIALS_FILE not set" in found.tried[-1]
    with pytest.raises(CredentialError, match="ALIBABA_CLOUD_CREDENTIALS_FILE"):
        cred.credentials_from_ini_file(lookup(environ={"ALIBABA_CLOUD_CREDENTIALS_FILE": str(tmp_path / "nope.ini")}, home=tmp_path))


def test_ini_ram_role_arn_type(tmp_path):
    write_ini(tmp_path / ".alibabacloud" / "credentials.ini",
              "[default]\ntype = ram_role_arn\naccess_key_id = src\naccess_key_secret = s\nrole_arn = %s\n"
              "role_session_name = ini-session\npolicy = {\"Version\": \"1\"}\n" % ROLE_ARN)
    clock = FakeClock()
    sts = FakeSts(clock)
    creds = cred.credentials_from_ini_file(lookup(home=tmp_path, sts_call=sts, clock=clock))
    (source, params), = sts.calls
    assert source.access_key_id == "src"
    assert params == {"RoleArn": ROLE_ARN, "RoleSessionName": "ini-session", "DurationSeconds": 3600, "Policy": '{"Version": "1"}'}
    assert creds.security_token == "assumed-token-1"


def test_ini_ecs_ram_role_type(tmp_path):
    write_ini(tmp_path / ".alibabacloud" / "credentials.ini", "[default]\ntype = ecs_ram_role\nrole_name = web\n")
    creds = cred.credentials_from_ini_file(lookup(home=tmp_path, http=metadata(role="web")))
    assert creds.source == "ECS RAM role 'web'"


def test_ini_unknown_type_and_parse_errors_do_not_leak(tmp_path):
    write_ini(tmp_path / ".alibabacloud" / "credentials.ini", "[default]\ntype = rsa_key_pair\n")
    with pytest.raises(CredentialError, match="rsa_key_pair.*access_key, ram_role_arn, ecs_ram_role"):
        cred.credentials_from_ini_file(lookup(home=tmp_path))
    write_ini(tmp_path / ".alibabacloud" / "credentials.ini", "access_key_secret = ini-secret-value\n")
    with pytest.raises(CredentialError) as info:
        cred.credentials_from_ini_file(lookup(home=tmp_path))
    assert "ini-secret-value" not in str(info.value)
    # Nor in a traceback: configparser's own error (which quotes the line) is not chained.
    assert "ini-secret-value" not in "".join(traceback.format_exception(info.type, info.value, info.tb))


# ---------------------------------------------------------------- step 5: ECS metadata


def test_ecs_imdsv2_token_discovery_and_credentials():
    http = metadata(role="web", token="tok-123")
    creds = cred.credentials_from_ecs_metadata(lookup(http=http))
    assert (creds.access_key_id, creds.access_key_secret, creds.security_token) == ("STS.ecs-id", "ecs-secret-value", "ecs-token-value")
    assert creds.expiration == datetime.datetime(2025, 1, 1, 18, tzinfo=UTC)
    assert creds.source == "ECS RAM role 'web'"
    put, discover, fetch = http.calls
    assert put[:2] == ("PUT", "/latest/api/token")
    assert put[2] == {"X-aliyun-ecs-metadata-token-ttl-seconds": "21600"}
    assert discover[:2] == ("GET", "/latest/meta-data/ram/security-credentials/")
    assert fetch[:2] == ("GET", "/latest/meta-data/ram/security-credentials/web")
    for call in (discover, fetch):
        assert call[2] == {"X-aliyun-ecs-metadata-token": "tok-123"}
    assert all(call[3] == (1, 1) for call in http.calls)


def test_ecs_role_name_from_option_beats_env_and_skips_discovery():
    http = metadata(role="opt-role")
    creds = cred.credentials_from_ecs_metadata(lookup({"ecs_role_name": "opt-role"}, environ={"ALIBABA_CLOUD_ECS_METADATA": "env-role"}, http=http))
    assert creds.source == "ECS RAM role 'opt-role'"
    http = metadata(role="env-role")
    creds = cred.credentials_from_ecs_metadata(lookup(environ={"ALIBABA_CLOUD_ECS_METADATA": "env-role"}, http=http))
    assert creds.source == "ECS RAM role 'env-role'"
    assert [call[1] for call in http.calls] == ["/latest/api/token", "/latest/meta-data/ram/security-credentials/env-role"]


def test_ecs_falls_back_to_imdsv1_when_the_token_is_refused():
    http = metadata(role="web", token_answer=FakeResponse(403, "forbidden"))
    creds = cred.credentials_from_ecs_metadata(lookup(http=http))
    assert creds.access_key_id == "STS.ecs-id"
    assert all("X-aliyun-ecs-metadata-token" not in call[2] for call in http.calls if call[0] == "GET")


def test_ecs_explicit_role_falls_back_to_v1_even_when_the_token_request_times_out():
    http = metadata(role="web", token_answer=TimeoutError("slow"))
    creds = cred.credentials_from_ecs_metadata(lookup({"ecs_role_name": "web"}, http=http))
    assert creds.access_key_id == "STS.ecs-id"


def test_ecs_automatic_step_fails_fast_when_metadata_is_unreachable():
    http = metadata(token_answer=ConnectionError("no route"))
    found = lookup(http=http)
    assert cred.credentials_from_ecs_metadata(found) is None
    assert len(http.calls) == 1
    assert "ConnectionError" in found.tried[-1]


def test_ecs_imdsv1_disabled_refuses_the_fallback():
    http = metadata(role="web", token_answer=FakeResponse(403))
    with pytest.raises(CredentialError, match="ALIBABA_CLOUD_IMDSV1_DISABLED"):
        cred.credentials_from_ecs_metadata(lookup({"ecs_role_name": "web"}, environ={"ALIBABA_CLOUD_IMDSV1_DISABLED": "true"}, http=http))
    assert [call[0] for call in http.calls] == ["PUT"]
    found = lookup(environ={"ALIBABA_CLOUD_IMDSV1_DISABLED": "TRUE"}, http=metadata(token_answer=FakeResponse(403)))
    assert cred.credentials_from_ecs_metadata(found) is None


def test_ecs_code_other_than_success_is_an_error_when_configured_and_not_found_otherwise():
    document = ecs_document(code="Failed")
    with pytest.raises(CredentialError, match="Failed"):
        cred.credentials_from_ecs_metadata(lookup({"ecs_role_name": "web"}, http=metadata(role="web", document=document)))
    found = lookup(http=metadata(role="web", document=document))
    assert cred.credentials_from_ecs_metadata(found) is None
    assert "Failed" in found.tried[-1]
    assert "ecs-secret-value" not in found.tried[-1]


def test_ecs_without_attached_role_is_not_found():
    http = metadata(role="")
    found = lookup(http=http)
    assert cred.credentials_from_ecs_metadata(found) is None
    assert "no RAM role" in found.tried[-1]


def test_ecs_disabled_makes_no_request():
    http = metadata()
    assert cred.credentials_from_ecs_metadata(lookup(environ={"ALIBABA_CLOUD_ECS_METADATA_DISABLED": "true",
                                                              "ALIBABA_CLOUD_ECS_METADATA": "web"}, http=http)) is None
    assert http.calls == []


def test_ecs_unexpected_discovery_answer_is_not_echoed():
    http = metadata()
    http.routes[("GET", "/latest/meta-data/ram/security-credentials/")] = FakeResponse(200, ecs_document())
    found = lookup(http=http)
    assert cred.credentials_from_ecs_metadata(found) is None
    assert "not a role name" in found.tried[-1]
    assert "ecs-secret-value" not in found.tried[-1]


@pytest.mark.parametrize("value, expected", [
    ("127.0.0.1:18080", "http://127.0.0.1:18080"), ("http://127.0.0.1:1/", "http://127.0.0.1:1"), (None, IMDS)])
def test_imds_endpoint_override(value, expected):
    environ = {"ALIBABA_CLOUD_IMDS_ENDPOINT": value} if value else {}
    assert cred.imds_base_url(lookup(environ=environ)) == expected


# ---------------------------------------------------------------- the chain


ENV_PAIR = {"ALIBABA_CLOUD_ACCESS_KEY_ID": "env-id", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "env-sec"}


def test_chain_options_beat_environment(tmp_path):
    provider = resolve_credentials({"access_key_id": "opt-id", "access_key_secret": "opt-sec"}, environ=ENV_PAIR, home=str(tmp_path))
    assert provider.get().access_key_id == "opt-id"


def test_chain_environment_beats_cli_profile(tmp_path):
    write_cli_config(tmp_path, [{"name": "default", "mode": "AK", "access_key_id": "cli-id", "access_key_secret": "s"}])
    assert resolve_credentials({}, environ=ENV_PAIR, home=str(tmp_path)).get().access_key_id == "env-id"
    assert resolve_credentials({}, environ=NO_ECS, home=str(tmp_path)).get().access_key_id == "cli-id"


def test_chain_cli_profile_beats_ini_and_ini_beats_ecs(tmp_path):
    write_ini(tmp_path / ".alibabacloud" / "credentials.ini", "[default]\naccess_key_id = ini-id\naccess_key_secret = s\n")
    http = metadata()
    assert resolve_credentials({}, environ={}, home=str(tmp_path), http=http).get().access_key_id == "ini-id"
    assert http.calls == []
    write_cli_config(tmp_path, [{"name": "default", "mode": "AK", "access_key_id": "cli-id", "access_key_secret": "s"}])
    assert resolve_credentials({}, environ={}, home=str(tmp_path), http=http).get().access_key_id == "cli-id"


def test_chain_falls_through_to_ecs_metadata(tmp_path):
    provider = resolve_credentials({}, environ={}, home=str(tmp_path), http=metadata())
    assert provider.get().source == "ECS RAM role 'web'"


def test_chain_explicit_profile_option_skips_environment(tmp_path):
    write_cli_config(tmp_path, [{"name": "prod", "mode": "AK", "access_key_id": "prod-id", "access_key_secret": "s"}])
    assert resolve_credentials({"profile": "prod"}, environ=ENV_PAIR, home=str(tmp_path)).get().access_key_id == "prod-id"


def test_chain_named_profile_found_only_in_ini(tmp_path):
    write_cli_config(tmp_path, [{"name": "default", "mode": "AK", "access_key_id": "cli-id", "access_key_secret": "s"}])
    write_ini(tmp_path / ".alibabacloud" / "credentials.ini", "[prod]\naccess_key_id = ini-prod\naccess_key_secret = s\n")
    assert resolve_credentials({"profile": "prod"}, environ={}, home=str(tmp_path)).get().access_key_id == "ini-prod"


@pytest.mark.parametrize("options, environ", [({"profile": "ghost"}, {}), ({}, {"ALIBABA_CLOUD_PROFILE": "ghost"})])
def test_chain_named_profile_missing_everywhere_is_an_error(tmp_path, options, environ):
    write_cli_config(tmp_path, [{"name": "default", "mode": "AK", "access_key_id": "cli-id", "access_key_secret": "s"}])
    http = metadata()
    with pytest.raises(CredentialError, match="'ghost'"):
        resolve_credentials(options, environ=environ, home=str(tmp_path), http=http)
    assert http.calls == []


def test_chain_explicit_ecs_role_option_skips_environment(tmp_path):
    provider = resolve_credentials({"ecs_role_name": "web"}, environ=ENV_PAIR, home=str(tmp_path), http=metadata(role="web"))
    assert provider.get().source == "ECS RAM role 'web'"


def test_chain_explicit_ecs_role_failure_is_an_error(tmp_path):
    http = metadata(token_answer=ConnectionError("down"))
    http.routes.clear()
    with pytest.raises(CredentialError, match="ECS instance RAM role 'web'"):
        resolve_credentials({"ecs_role_name": "web"}, environ={}, home=str(tmp_path), http=http)


def test_not_found_lists_every_source_in_order_without_secrets(tmp_path):
    # Secrets sit in places the chain looks at but does not use: other CLI profiles and INI sections.
    write_cli_config(tmp_path, [{"name": "other", "mode": "AK", "access_key_id": "cli-other-id",
                                 "access_key_secret": "cli-secret-value"}], current="missing")
    ini = write_ini(tmp_path / "creds.ini", "[other]\naccess_key_id = x\naccess_key_secret = ini-secret-value\n")
    environ = {"ALIBABA_CLOUD_CREDENTIALS_FILE": str(ini), "ALIBABA_CLOUD_ACCESS_KEY_ID": "", "ALICLOUD_SECRET_KEY": "",
               "ALIBABA_CLOUD_SECURITY_TOKEN": ""}
    http = metadata(token_answer=ConnectionError("no route"))
    with pytest.raises(CredentialError) as info:
        resolve_credentials({"access_key_id": "", "access_key_secret": None}, environ=environ, home=str(tmp_path), http=http)
    message = str(info.value)
    expected_order = [
        "module options access_key_id/access_key_secret",
        "ALIBABA_CLOUD_ACCESS_KEY_ID/ALIBABA_CLOUD_ACCESS_KEY_SECRET",
        "ALICLOUD_ACCESS_KEY/ALICLOUD_SECRET_KEY",
        str(tmp_path / ".aliyun" / "config.json"),
        "%s: no section [default]" % ini,
        "ECS instance RAM role (metadata %s)" % IMDS,
    ]
    positions = [message.find(part) for part in expected_order]
    assert -1 not in positions, message
    assert positions == sorted(positions)
    for secret in ("cli-secret-value", "ini-secret-value"):
        assert secret not in message


def test_not_found_mentions_default_ini_path_and_disabled_ecs(tmp_path):
    with pytest.raises(CredentialError) as info:
        resolve_credentials({}, environ=NO_ECS, home=str(tmp_path))
    assert str(tmp_path / ".alibabacloud" / "credentials.ini") in str(info.value)
    assert "ALIBABA_CLOUD_ECS_METADATA_DISABLED" in str(info.value)


# ---------------------------------------------------------------- assume role on top


def test_assume_role_on_top_of_environment_with_all_params():
    clock = FakeClock()
    sts = FakeSts(clock)
    provider = resolve_credentials(
        {"assume_role_arn": ROLE_ARN, "assume_role_session_name": "deploy@ci", "assume_role_duration": 7200,
         "assume_role_external_id": "abc", "assume_role_policy": '{"Statement": []}'},
        environ=ENV_PAIR, sts_call=sts, clock=clock, home="/nonexistent-home")
    creds = provider.get()
    (source, params), = sts.calls
    assert source.access_key_id == "env-id"
    assert params == {"RoleArn": ROLE_ARN, "RoleSessionName": "deploy@ci", "DurationSeconds": 7200,
                      "ExternalId": "abc", "Policy": '{"Statement": []}'}
    assert creds.access_key_id == "STS.assumed-1"
    assert creds.source == "assume role %s" % ROLE_ARN
    assert creds.expiration == NOW + datetime.timedelta(hours=2)


def test_assume_role_from_environment_and_default_session_name():
    clock = FakeClock()
    sts = FakeSts(clock)
    environ = dict(ENV_PAIR, ALIBABA_CLOUD_ROLE_ARN=ROLE_ARN)
    resolve_credentials({}, environ=environ, sts_call=sts, clock=clock).get()
    params = sts.calls[0][1]
    assert params["RoleSessionName"] == "aliyun-ram-ansible-%d" % int(NOW.timestamp())
    assert params["DurationSeconds"] == 3600
    assert "ExternalId" not in params and "Policy" not in params
    sts.calls.clear()
    resolve_credentials({}, environ=dict(environ, ALIBABA_CLOUD_ROLE_SESSION_NAME="env-session"), sts_call=sts, clock=clock).get()
    assert sts.calls[0][1]["RoleSessionName"] == "env-session"


ARN_SHAPE = "must look like acs:ram::<account id>:role/<role name>, got %r"
SESSION_NAME = "must be 2 to 32 characters from A-Z a-z 0-9 . @ _ -"
ROLE_NAME = "must be 1 to 64 characters from A-Z a-z 0-9 . _ @ -, got %r"


@pytest.mark.parametrize("options, option_name, rule", [
    ({"assume_role_arn": "acs:ram::12ab:role/x"}, "assume_role_arn", ARN_SHAPE % "acs:ram::12ab:role/x"),
    ({"assume_role_arn": "acs:ram::123:user/x"}, "assume_role_arn", ARN_SHAPE % "acs:ram::123:user/x"),
    ({"assume_role_arn": ROLE_ARN, "assume_role_session_name": "a"}, "assume_role_session_name", SESSION_NAME),
    ({"assume_role_arn": ROLE_ARN, "assume_role_session_name": "has space"}, "assume_role_session_name", SESSION_NAME),
    ({"assume_role_arn": ROLE_ARN, "assume_role_session_name": "x" * 33}, "assume_role_session_name", SESSION_NAME),
    ({"assume_role_arn": ROLE_ARN, "assume_role_duration": 899}, "assume_role_duration",
     "must be between 900 and 43200 seconds, got 899"),
    ({"assume_role_arn": ROLE_ARN, "assume_role_duration": 43201}, "assume_role_duration",
     "must be between 900 and 43200 seconds, got 43201"),
    ({"assume_role_arn": ROLE_ARN, "assume_role_duration": "soon"}, "assume_role_duration",
     "must be a whole number of seconds, got 'soon'"),
    # names are matched whole: a trailing newline, carriage return or space is not part of a valid name
    ({"assume_role_arn": ROLE_ARN + "\n"}, "assume_role_arn", ARN_SHAPE % (ROLE_ARN + "\n")),
    ({"assume_role_arn": ROLE_ARN + "\r"}, "assume_role_arn", ARN_SHAPE % (ROLE_ARN + "\r")),
    ({"assume_role_arn": ROLE_ARN + " "}, "assume_role_arn", ARN_SHAPE % (ROLE_ARN + " ")),
    ({"assume_role_arn": ROLE_ARN, "assume_role_session_name": "deploy\n"}, "assume_role_session_name", SESSION_NAME),
    ({"assume_role_arn": ROLE_ARN, "assume_role_session_name": "deploy\r"}, "assume_role_session_name", SESSION_NAME),
    ({"ecs_role_name": "web\n"}, "ecs_role_name", ROLE_NAME % "web\n"),
    ({"ecs_role_name": "web\r"}, "ecs_role_name", ROLE_NAME % "web\r"),
    ({"ecs_role_name": "../user-data"}, "ecs_role_name", ROLE_NAME % "../user-data"),
])
def test_role_options_are_validated_before_any_call(options, option_name, rule):
    sts = FakeSts(FakeClock())
    http = metadata()
    with pytest.raises(ValidationError) as info:
        resolve_credentials(options, environ={}, sts_call=sts, http=http)
    assert (info.value.option, info.value.rule) == (option_name, rule)
    assert sts.calls == [] and http.calls == []


@pytest.mark.parametrize("duration", [900, 43200, "1800"])
def test_assume_role_duration_bounds_are_inclusive(duration):
    clock = FakeClock()
    sts = FakeSts(clock)
    resolve_credentials({"assume_role_arn": ROLE_ARN, "assume_role_duration": duration}, environ=ENV_PAIR, sts_call=sts, clock=clock).get()
    assert sts.calls[0][1]["DurationSeconds"] == int(duration)


def test_assume_role_refreshes_near_expiry_and_on_invalidate():
    clock = FakeClock()
    sts = FakeSts(clock)
    provider = resolve_credentials({"assume_role_arn": ROLE_ARN, "assume_role_duration": 900}, environ=ENV_PAIR, sts_call=sts, clock=clock)
    assert provider.get().access_key_id == "STS.assumed-1"
    clock.advance(seconds=900 - 181)
    assert provider.get().access_key_id == "STS.assumed-1"
    clock.advance(seconds=2)  # now within three minutes of expiry
    assert provider.get().access_key_id == "STS.assumed-2"
    assert provider.get().access_key_id == "STS.assumed-2"
    provider.invalidate()
    assert provider.get().access_key_id == "STS.assumed-3"
    assert len(sts.calls) == 3


def test_assume_role_on_top_of_ecs_uses_fresh_ecs_credentials():
    clock = FakeClock()
    sts = FakeSts(clock)
    http = metadata(document=ecs_document(expiration="2025-01-01T12:10:00Z"))
    provider = resolve_credentials({"ecs_role_name": "web", "assume_role_arn": ROLE_ARN}, environ={}, sts_call=sts, http=http, clock=clock)
    provider.get()
    assert sts.calls[0][0].source == "ECS RAM role 'web'"
    fetches = [call for call in http.calls if call[1].endswith("/web")]
    assert len(fetches) == 1
    clock.advance(minutes=58)  # the role credentials are near expiry; so are (long since) the ECS ones
    http.routes[("GET", "/latest/meta-data/ram/security-credentials/web")] = FakeResponse(
        200, ecs_document(key_id="STS.ecs-2", expiration="2025-01-01T14:00:00Z"))
    provider.get()
    assert sts.calls[1][0].access_key_id == "STS.ecs-2"


def test_ecs_credentials_refresh_near_expiry():
    clock = FakeClock()
    http = metadata(document=ecs_document(expiration="2025-01-01T12:10:00Z"))
    provider = resolve_credentials({}, environ={}, home="/nonexistent-home", http=http, clock=clock)
    assert provider.get().access_key_id == "STS.ecs-id"
    http.routes[("GET", "/latest/meta-data/ram/security-credentials/web")] = FakeResponse(
        200, ecs_document(key_id="STS.ecs-2", expiration="2025-01-01T14:00:00Z"))
    clock.advance(minutes=6)
    assert provider.get().access_key_id == "STS.ecs-id"
    clock.advance(minutes=2)
    assert provider.get().access_key_id == "STS.ecs-2"


# ---------------------------------------------------------------- provider behaviour


def test_provider_keeps_valid_credentials_when_a_refresh_fails_but_not_after_expiry():
    clock = FakeClock()
    first = Credentials("a", "s", "t", NOW + datetime.timedelta(minutes=2), source="x")
    answers = [first]

    def fetch():
        if answers:
            return answers.pop(0)
        raise CredentialError("metadata down")

    provider = CredentialsProvider(fetch, clock=clock)
    assert provider.get() is first
    assert provider.get() is first  # refresh failed, but 2 minutes remain
    clock.advance(minutes=3)
    with pytest.raises(CredentialError):
        provider.get()


def test_provider_static_credentials_are_fetched_once():
    calls = []

    def fetch():
        calls.append(1)
        return Credentials("a", "s", source="x")

    provider = CredentialsProvider(fetch)
    for dummy in range(5):
        provider.get()
    assert len(calls) == 1
    provider.invalidate()
    provider.get()
    assert len(calls) == 2


def test_provider_is_thread_safe_one_refresh_for_many_callers():
    clock = FakeClock()
    sts = FakeSts(clock)
    gate = threading.Event()

    def slow_sts(source, params):
        gate.wait(1)
        return sts(source, params)

    provider = resolve_credentials({"assume_role_arn": ROLE_ARN}, environ=ENV_PAIR, sts_call=slow_sts, clock=clock)
    results = []
    threads = [threading.Thread(target=lambda: results.append(provider.get().access_key_id)) for dummy in range(16)]
    for thread in threads:
        thread.start()
    gate.set()
    for thread in threads:
        thread.join(5)
    assert results == ["STS.assumed-1"] * 16
    assert len(sts.calls) == 1


def test_missing_sts_client_is_a_clear_error():
    provider = resolve_credentials({"assume_role_arn": ROLE_ARN}, environ=ENV_PAIR)
    with pytest.raises(CredentialError, match="no STS client"):
        provider.get()


# ---------------------------------------------------------------- end to end against the emulator

@pytest.mark.parametrize("environ", [{}, {"ALIBABA_CLOUD_IMDSV1_DISABLED": "true"}])
def test_ecs_role_credentials_from_the_emulator_metadata_service(module_emulator, environ, tmp_path):
    requests = pytest.importorskip("requests")
    environ = dict(environ, ALIBABA_CLOUD_IMDS_ENDPOINT=module_emulator.url)
    with requests.Session() as session:
        provider = resolve_credentials({}, environ=environ, home=str(tmp_path), http=session)
        creds = provider.get()
        assert creds.source.startswith("ECS RAM role ")
        assert creds.access_key_id and creds.access_key_secret and creds.security_token
        assert creds.expiration.tzinfo is not None
        role = creds.source[len("ECS RAM role "):].strip("'")
        explicit = resolve_credentials({"ecs_role_name": role}, environ=environ, home=str(tmp_path), http=session).get()
        # the metadata service issues a fresh STS pair on every call, as the real one may
        assert explicit.source == creds.source
        assert explicit.access_key_id.startswith("STS.") and explicit.security_token
        with pytest.raises(CredentialError, match="HTTP 404"):
            resolve_credentials({"ecs_role_name": "no-such-role"}, environ=environ, home=str(tmp_path), http=session)


# ---------------------------------------------------------------- names are matched whole


def test_role_names_from_environment_and_profile_files_are_matched_whole(tmp_path):
    http = metadata()
    with pytest.raises(ValidationError) as info:
        resolve_credentials({}, environ={"ALIBABA_CLOUD_ECS_METADATA": "web\n"}, home=str(tmp_path), http=http)
    assert info.value.option == "ALIBABA_CLOUD_ECS_METADATA"
    with pytest.raises(ValidationError) as info:
        resolve_credentials({}, environ={"ALIBABA_CLOUD_ROLE_ARN": ROLE_ARN + "\n"}, home=str(tmp_path), http=http)
    assert info.value.option == "ALIBABA_CLOUD_ROLE_ARN"
    write_cli_config(tmp_path, [{"name": "ecs", "mode": "EcsRamRole", "ram_role_name": "web\n"}], current="ecs")
    with pytest.raises(ValidationError, match="ram_role_name"):
        cred.credentials_from_cli_profile(lookup(home=tmp_path, http=http))
    write_ini(tmp_path / ".alibabacloud" / "credentials.ini", "[default]\ntype = ecs_ram_role\nrole_name = web\\n\n")
    with pytest.raises(ValidationError, match="role_name"):
        cred.credentials_from_ini_file(lookup(home=tmp_path, http=http))
    assert http.calls == []


@pytest.mark.parametrize("text", ["2025-01-01T00:00:00Z\nextra", "2025-01-01T00:00:00Zjunk", "2025-01-01T00:00:00\rZ"])
def test_parse_expiration_matches_the_whole_text(text):
    with pytest.raises(CredentialError):
        parse_expiration(text)


# ---------------------------------------------------------------- metadata requests never use a proxy

PROXY_VARIABLES = ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy")


class _ProxyTrap:
    """A TCP listener that plays a proxy: it records every connection and answers 502."""

    def __init__(self):
        import socket

        self.connections = 0
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(8)
        self.listener.settimeout(0.2)
        self.url = "http://127.0.0.1:%d" % self.listener.getsockname()[1]
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        import socket

        while not self.stopped.is_set():
            try:
                connection, _address = self.listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            self.connections += 1
            with connection:
                connection.settimeout(1)
                try:
                    connection.recv(65536)
                    connection.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                except OSError:
                    pass

    def close(self):
        self.stopped.set()
        self.thread.join(5)
        self.listener.close()


class _FakeMetadataServer:
    """The ECS metadata service on 127.0.0.1: IMDSv2 token, role discovery, the role's credentials."""

    def __init__(self, role="web"):
        import http.server

        self.requests = []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _reply(self, status, body):
                data = body.encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_PUT(self):
                server.requests.append(("PUT", self.path))
                self._reply(200, "imds-token") if self.path == "/latest/api/token" else self._reply(404, "")

            def do_GET(self):
                server.requests.append(("GET", self.path))
                prefix = "/latest/meta-data/ram/security-credentials/"
                if self.headers.get("X-aliyun-ecs-metadata-token") != "imds-token":
                    self._reply(401, "")
                elif self.path == prefix:
                    self._reply(200, role)
                elif self.path == prefix + role:
                    self._reply(200, ecs_document())
                else:
                    self._reply(404, "")

        self.httpd = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        self.address = "127.0.0.1:%d" % self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)


@pytest.fixture
def proxy_everywhere(monkeypatch):
    """Every proxy variable points at a trap on a local port; nothing is exempt from it."""
    trap = _ProxyTrap()
    for name in PROXY_VARIABLES:
        monkeypatch.setenv(name, trap.url)
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    yield trap
    trap.close()


@pytest.fixture
def metadata_server():
    server = _FakeMetadataServer()
    yield server
    server.close()


def test_the_proxy_trap_catches_an_ordinary_session(proxy_everywhere, metadata_server):
    """Control: with these variables a plain requests call really goes to the trap, not to the server."""
    requests = pytest.importorskip("requests")
    with requests.Session() as session:
        response = session.get("http://%s/latest/meta-data/ram/security-credentials/" % metadata_server.address, timeout=5)
    assert response.status_code == 502
    assert proxy_everywhere.connections == 1 and metadata_server.requests == []


@pytest.mark.parametrize("session_kind", ["own", "injected"])
def test_ecs_metadata_requests_bypass_every_proxy_variable(proxy_everywhere, metadata_server, session_kind, tmp_path):
    """The collection's own session, and a default requests.Session() as common.py passes in, both go direct."""
    requests = pytest.importorskip("requests")
    http = requests.Session() if session_kind == "injected" else None
    environ = {"ALIBABA_CLOUD_IMDS_ENDPOINT": metadata_server.address}
    creds = resolve_credentials({}, environ=environ, home=str(tmp_path), http=http, clock=FakeClock()).get()
    assert (creds.access_key_id, creds.security_token) == ("STS.ecs-id", "ecs-token-value")
    assert metadata_server.requests == [("PUT", "/latest/api/token"), ("GET", "/latest/meta-data/ram/security-credentials/"),
                                        ("GET", "/latest/meta-data/ram/security-credentials/web")]
    assert proxy_everywhere.connections == 0
    if http is not None:
        http.close()


def test_metadata_session_ignores_the_environment():
    pytest.importorskip("requests")
    session = cred.metadata_session()
    assert session.trust_env is False and session.proxies == {}


def test_requests_to_the_real_metadata_address_carry_no_proxy(proxy_everywhere, tmp_path):
    """For http://100.100.100.200 itself (nothing is sent): what requests would hand to its transport."""
    requests = pytest.importorskip("requests")
    from requests.utils import select_proxy

    sent = []

    class RecordingSession(requests.Session):
        """A default session (trust_env=True, so it sees the proxy variables) that records instead of sending."""

        def send(self, request, **kwargs):
            sent.append((request.method, request.url, kwargs.get("proxies"), kwargs.get("allow_redirects")))
            response = requests.Response()
            response.status_code = 200
            response.url = request.url
            response.encoding = "utf-8"
            response._content = {"PUT": b"imds-token"}.get(request.method) or (
                b"web" if request.url.endswith("/security-credentials/") else ecs_document().encode("utf-8"))
            return response

    session = RecordingSession()
    assert session.trust_env is True
    # Without the collection's settings, this session would use the trap for the real address:
    assert select_proxy(IMDS + "/", session.merge_environment_settings(IMDS + "/", {}, None, None, None)["proxies"]) \
        == proxy_everywhere.url
    creds = resolve_credentials({"ecs_role_name": "web"}, environ={}, home=str(tmp_path), http=session, clock=FakeClock()).get()
    assert creds.access_key_id == "STS.ecs-id"
    assert [(method, url) for method, url, _proxies, _redirects in sent] == [
        ("PUT", IMDS + "/latest/api/token"), ("GET", IMDS + "/latest/meta-data/ram/security-credentials/web")]
    for _method, url, proxies, allow_redirects in sent:
        assert select_proxy(url, proxies) is None, proxies
        assert allow_redirects is False
    assert proxy_everywhere.connections == 0
