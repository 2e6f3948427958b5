# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os

import pytest
import yaml

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.testing import patch_module_args

from ansible_collections.aliyun.ram.plugins.doc_fragments.attributes import ModuleDocFragment as AttributesFragment
from ansible_collections.aliyun.ram.plugins.doc_fragments.connection import ModuleDocFragment as ConnectionFragment
from ansible_collections.aliyun.ram.plugins.module_utils import common
from ansible_collections.aliyun.ram.plugins.module_utils.api import RamClient
from ansible_collections.aliyun.ram.plugins.module_utils.errors import CredentialError, RamApiError, ValidationError
from ansible_collections.aliyun.ram.tests.unit.plugins.module_utils.scripted_api_server import Reply, ScriptedServer, signed_by

SECRET = "module-secret-value"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch, tmp_path):
    """No credential or endpoint variable from the developer's shell, and an empty home."""
    for name in list(os.environ):
        if name.startswith(("ALIBABA_CLOUD_", "ALICLOUD_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true")


def make_module(args):
    with patch_module_args(args):
        module = AnsibleModule(argument_spec=common.connection_argument_spec(), supports_check_mode=True)
    module.warnings_seen = []
    module.warn = module.warnings_seen.append
    return module


# --- the spec and its documentation -----------------------------------------------------


def test_spec_matches_the_doc_fragment():
    spec = common.connection_argument_spec()
    documented = yaml.safe_load(ConnectionFragment.DOCUMENTATION)["options"]
    assert set(spec) == set(documented)
    for name, option in spec.items():
        doc = documented[name]
        assert doc["type"] == option["type"], name
        assert doc.get("default") == option.get("default"), name
        assert doc.get("aliases", []) == option.get("aliases", []), name
        assert doc["description"], name


def test_secret_options_are_no_log_and_lookalikes_are_explicit():
    spec = common.connection_argument_spec()
    assert spec["access_key_secret"]["no_log"] is True
    assert spec["security_token"]["no_log"] is True
    assert spec["access_key_id"]["no_log"] is False
    assert spec["assume_role_external_id"]["no_log"] is False
    assert "fallback" not in spec["access_key_id"] and "fallback" not in spec["access_key_secret"]


def test_spec_is_a_fresh_copy():
    first = common.connection_argument_spec()
    first["timeout"]["default"] = 1
    assert common.connection_argument_spec()["timeout"]["default"] == 30


def test_attribute_fragments():
    full = yaml.safe_load(AttributesFragment.DOCUMENTATION)["attributes"]
    info = yaml.safe_load(AttributesFragment.INFO_MODULE)["attributes"]
    assert (full["check_mode"]["support"], full["diff_mode"]["support"]) == ("full", "full")
    assert (info["check_mode"]["support"], info["diff_mode"]["support"]) == ("full", "none")
    for attributes in (full, info):
        assert attributes["action_group"]["membership"] == ["aliyun.ram.ram"]


# --- client_from_module -------------------------------------------------------------------


def test_client_from_module_talks_to_the_configured_endpoint():
    with ScriptedServer([Reply(body={"RequestId": "R", "DefaultDomainName": "corp.onaliyun.com"})]) as server:
        module = make_module({"access_key_id": "LTAI-mod", "access_key_secret": SECRET, "ims_endpoint": server.endpoint,
                              "timeout": 5, "max_attempts": 2, "retry_timeout": 30})
        client = common.client_from_module(module)
        assert isinstance(client, RamClient)
        assert client.get_default_domain() == "corp.onaliyun.com"
    assert signed_by(server.received[0], SECRET) == ("LTAI-mod", True)
    assert client.transport.retry.max_attempts == 2 and client.transport.timeout == 5
    assert client.transport.retry.timeout == 30
    assert module.warnings_seen == []  # http://127.0.0.1 is loopback: no warning


def test_retries_default_to_a_60_second_budget_without_an_attempt_cap():
    spec = common.connection_argument_spec()
    assert spec["retry_timeout"] == {"type": "int", "default": 60}
    assert spec["max_attempts"] == {"type": "int"}
    assert spec["allow_insecure_http"] == {"type": "bool", "default": False}
    client = common.client_from_module(make_module({"access_key_id": "a", "access_key_secret": SECRET}))
    assert (client.transport.retry.timeout, client.transport.retry.max_attempts) == (60, None)


def test_aliases_and_env_endpoint(monkeypatch):
    with ScriptedServer([Reply(body={"RequestId": "R", "DefaultDomainName": "d"})]) as server:
        monkeypatch.setenv("ALIBABA_CLOUD_IMS_ENDPOINT", server.endpoint)
        module = make_module({"alicloud_access_key": "LTAI-alias", "alicloud_secret_key": SECRET})
        common.client_from_module(module).get_default_domain()
    assert signed_by(server.received[0], SECRET) == ("LTAI-alias", True)


def test_credentials_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAI-env")
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "env-secret")
    with ScriptedServer([Reply(body={"RequestId": "R", "DefaultDomainName": "d"})]) as server:
        common.client_from_module(make_module({"ims_endpoint": server.endpoint})).get_default_domain()
    assert signed_by(server.received[0], "env-secret") == ("LTAI-env", True)


def test_assume_role_goes_through_sts_with_the_source_credentials():
    def answer(request, index):
        if request.headers["x-acs-action"] == "AssumeRole":
            return Reply(body={"RequestId": "R", "Credentials": {
                "AccessKeyId": "STS.role", "AccessKeySecret": "role-secret", "SecurityToken": "role-token",
                "Expiration": "2099-01-01T00:00:00Z"}, "AssumedRoleUser": {"Arn": "a", "AssumedRoleId": "i"}})
        return Reply(body={"RequestId": "R", "DefaultDomainName": "corp.onaliyun.com"})
    with ScriptedServer(responder=answer) as server:
        module = make_module({"access_key_id": "LTAI-src", "access_key_secret": SECRET, "ims_endpoint": server.endpoint,
                              "sts_endpoint": server.endpoint, "assume_role_arn": "acs:ram::123456:role/admin",
                              "assume_role_session_name": "ansible-test", "assume_role_duration": 900})
        assert common.client_from_module(module).get_default_domain() == "corp.onaliyun.com"
    sts, ims = server.received
    assert sts.headers["x-acs-version"] == "2015-04-01"
    assert sts.query == {"RoleArn": "acs:ram::123456:role/admin", "RoleSessionName": "ansible-test", "DurationSeconds": "900"}
    assert signed_by(sts, SECRET) == ("LTAI-src", True)
    assert ims.headers["x-acs-security-token"] == "role-token"
    assert signed_by(ims, "role-secret") == ("STS.role", True)


def test_validate_certs_false_warns():
    module = make_module({"access_key_id": "a", "access_key_secret": SECRET, "validate_certs": False})
    client = common.client_from_module(module)
    assert client.transport.verify is False
    assert len(module.warnings_seen) == 1 and "validate_certs" in module.warnings_seen[0]


def test_ca_bundle_is_used_for_verification(tmp_path):
    bundle = tmp_path / "ca.pem"
    bundle.write_text("unused")
    module = make_module({"access_key_id": "a", "access_key_secret": SECRET, "ca_bundle": str(bundle)})
    assert common.client_from_module(module).transport.verify == str(bundle)


def test_bad_endpoint_is_a_validation_error():
    module = make_module({"access_key_id": "a", "access_key_secret": SECRET, "ram_endpoint": "https://ram/x"})
    with pytest.raises(ValidationError) as info:
        common.client_from_module(module)
    assert info.value.option == "ram_endpoint"


@pytest.mark.parametrize("option, value, rule", [
    ("timeout", 0, "must be at least 1 second"),
    ("max_attempts", 0, "must be a whole number of at least 1, or unset for no limit"),
    ("max_attempts", -2, "must be a whole number of at least 1, or unset for no limit"),
    ("retry_timeout", 0, "must be between 1 and 3600 seconds"),
    ("retry_timeout", 120000, "must be between 1 and 3600 seconds"),
])
def test_settings_out_of_range_are_validation_errors(option, value, rule):
    module = make_module({"access_key_id": "a", "access_key_secret": SECRET, option: value})
    with pytest.raises(ValidationError) as info:
        common.client_from_module(module)
    assert info.value.option == option
    assert str(info.value) == "%s: %s" % (option, rule)


@pytest.mark.parametrize("args, option", [
    ({"retry_timeout": 0}, "retry_timeout"),
    ({"max_attempts": 0}, "max_attempts"),
    ({"ram_endpoint": "http://ram.example.com"}, "ram_endpoint"),
    ({"ca_bundle": "/nowhere/ca.pem"}, "ca_bundle"),
])
def test_bad_settings_fail_before_credentials_are_looked_up(args, option):
    """No credentials anywhere: the setting's own error must win, so no credential source is even tried."""
    with pytest.raises(ValidationError) as info:
        common.client_from_module(make_module(args))
    assert info.value.option == option


def test_plain_http_to_a_remote_host_is_refused_by_default():
    module = make_module({"access_key_id": "a", "access_key_secret": SECRET, "ims_endpoint": "http://ims.example.com:8080"})
    with pytest.raises(ValidationError) as info:
        common.client_from_module(module)
    assert str(info.value).startswith("ims_endpoint: http:// to ims.example.com:8080 would send every request")
    assert "allow_insecure_http: true" in str(info.value)


def test_plain_http_from_the_environment_is_refused_too(monkeypatch):
    monkeypatch.setenv("ALIBABA_CLOUD_RAM_ENDPOINT", "http://10.1.2.3:80")
    with pytest.raises(ValidationError) as info:
        common.client_from_module(make_module({"access_key_id": "a", "access_key_secret": SECRET}))
    assert info.value.option == "ALIBABA_CLOUD_RAM_ENDPOINT"


def test_allowed_plain_http_warns_for_every_remote_endpoint(monkeypatch):
    monkeypatch.setenv("ALIBABA_CLOUD_STS_ENDPOINT", "http://sts.example.com")
    module = make_module({"access_key_id": "a", "access_key_secret": SECRET, "allow_insecure_http": True,
                          "ims_endpoint": "http://ims.example.com", "ram_endpoint": "http://127.0.0.1:9"})
    client = common.client_from_module(module)
    assert client.transport.endpoints["ims"] == ("http", "ims.example.com")
    assert len(module.warnings_seen) == 2
    assert module.warnings_seen[0].startswith("ims_endpoint: http:// to ims.example.com sends every request")
    assert module.warnings_seen[1].startswith("ALIBABA_CLOUD_STS_ENDPOINT: http:// to sts.example.com sends")
    assert all("unencrypted" in warning for warning in module.warnings_seen)


@pytest.mark.parametrize("endpoint", ["http://127.0.0.1:18080", "http://localhost:8080", "https://ims.example.com"])
def test_loopback_http_and_https_do_not_warn(endpoint):
    module = make_module({"access_key_id": "a", "access_key_secret": SECRET, "ims_endpoint": endpoint})
    common.client_from_module(module)
    assert module.warnings_seen == []


@pytest.mark.parametrize("concurrency, pool", [(None, 10), (4, 10), (32, 32)])
def test_connection_pool_holds_one_connection_per_worker(concurrency, pool):
    """ram_user_baseline runs max_concurrency workers on one client; a smaller pool would drop keep-alive connections."""
    params = {"access_key_id": "a", "access_key_secret": SECRET, "max_concurrency": concurrency}
    client = common.client_from_params(params, environ={})
    adapter = client.transport.session.get_adapter("https://ims.aliyuncs.com/")
    assert adapter._pool_maxsize == pool


def test_no_credentials_is_a_credential_error():
    with pytest.raises(CredentialError):
        common.client_from_module(make_module({}))


def test_missing_requests_fails_with_missing_required_lib(monkeypatch, run_module):
    monkeypatch.setattr(common, "HAS_REQUESTS", False)
    result = run_module.exit_of(lambda: common.client_from_module(make_module({})))
    assert result["failed"] is True
    assert "requests" in result["msg"] and "Failed to import" in result["msg"]


# --- fail_on_error ------------------------------------------------------------------------


def test_fail_on_api_error_carries_the_error_dict(run_module):
    module = make_module({"access_key_id": "a", "access_key_secret": SECRET})
    exc = RamApiError("EntityNotExist.Group", "The group does not exist.", request_id="R9", http_status=404,
                      recommend="https://example.invalid", action="AddUserToGroup")
    result = run_module.exit_of(lambda: common.fail_on_error(module, exc, msg="Failed to add alice to dev"))
    assert result["msg"].startswith("Failed to add alice to dev: EntityNotExist.Group: The group does not exist.")
    assert result["error"] == exc.to_dict()


def test_a_failure_after_writes_reports_changed_and_what_completed(run_module):
    module = make_module({})
    exc = RamApiError("LimitExceeded.User.Tag", "too many tags", http_status=409, action="TagResources")
    exc.completed = ["update comments of alice@corp.onaliyun.com"]
    result = run_module.exit_of(lambda: common.fail_on_error(module, exc))
    assert result["changed"] is True
    assert result["completed_actions"] == ["update comments of alice@corp.onaliyun.com"]
    assert "after 1 change had been made: update comments of alice@corp.onaliyun.com" in result["msg"]
    assert result["error"]["code"] == "LimitExceeded.User.Tag"


def test_a_failure_before_any_write_reports_no_change(run_module):
    module = make_module({})
    exc = RamApiError("NoPermission", "denied", http_status=403)
    exc.completed = []
    result = run_module.exit_of(lambda: common.fail_on_error(module, exc))
    assert result.get("changed", False) is False and "completed_actions" not in result


def test_fail_on_validation_error(run_module):
    module = make_module({})
    result = run_module.exit_of(lambda: common.fail_on_error(module, ValidationError("display_name", "too long")))
    assert result["msg"] == "display_name: too long"
    assert "error" not in result


def test_fail_on_unexpected_error_hides_its_text(run_module):
    module = make_module({"access_key_id": "a", "access_key_secret": SECRET})
    result = run_module.exit_of(lambda: common.fail_on_error(module, KeyError("Password=hunter2")))
    assert "hunter2" not in json.dumps(result)
    assert "KeyError" in result["msg"]


@pytest.fixture
def tracebacks_enabled(monkeypatch):
    """What ``ANSIBLE_DISPLAY_TRACEBACK=error`` does inside a module (ansible-core 2.19 and later)."""
    from ansible.module_utils._internal import _traceback
    monkeypatch.setattr(_traceback, "_is_traceback_enabled", lambda event: True)


def raise_chained(replaced, error):
    """Raise ``error`` while handling ``replaced``, as code that hides a message does."""
    try:
        raise replaced
    except type(replaced):
        raise error


@pytest.mark.parametrize("error", [
    CredentialError("cannot parse the INI credentials file /x (ParsingError)"),
    RamApiError("ConnectionError", "could not connect to ims.aliyuncs.com (ConnectionError)", action="CreateLoginProfile"),
])
def test_failure_traceback_never_shows_the_errors_a_ram_error_replaced(run_module, tracebacks_enabled, error):
    module = make_module({})
    replaced = ValueError("[line 3]: 'access_key_secret = %s' https://ims/?Password=hunter2" % SECRET)

    def fail():
        try:
            raise_chained(replaced, error)
        except type(error) as exc:
            common.fail_on_error(module, exc)

    result = run_module.exit_of(fail)
    text = json.dumps(result)
    assert SECRET not in text and "hunter2" not in text
    assert "raise_chained" in text  # the traceback itself is kept for debugging
    assert result["msg"] == str(error)


def test_failure_traceback_of_an_unexpected_error_hides_its_text(run_module, tracebacks_enabled):
    module = make_module({})
    unexpected = KeyError("Password=hunter2")

    def fail():
        try:
            raise unexpected
        except KeyError as exc:
            common.fail_on_error(module, exc)

    result = run_module.exit_of(fail)
    assert "hunter2" not in json.dumps(result)
    assert "KeyError" in json.dumps(result["exception"])


# --- run_module ---------------------------------------------------------------------------


def test_run_module_validates_before_it_looks_for_credentials(run_module):
    # No credentials at all: the validation error must win, not the credential error.
    def invalid():
        raise ValidationError("display_name", "too long")

    module = make_module({})
    result = run_module.exit_of(lambda: common.run_module(module, lambda client, request: {"changed": True}, validate=invalid))
    assert result["msg"] == "display_name: too long"


def test_run_module_fails_a_ram_error_of_the_task_safely(run_module):
    def task(client, request):
        raise RamApiError("EntityNotExist.User", "The user does not exist.", request_id="R1", http_status=404)

    module = make_module({"access_key_id": "a", "access_key_secret": SECRET})
    result = run_module.exit_of(lambda: common.run_module(module, task))
    assert result["msg"].startswith("EntityNotExist.User")
    assert result["error"]["code"] == "EntityNotExist.User"
    assert SECRET not in json.dumps(result)


def test_run_module_hands_the_validated_request_to_the_task():
    module = make_module({"access_key_id": "a", "access_key_secret": SECRET})
    seen = []
    common.run_module(module, lambda client, request: seen.append(request) or {"changed": False},
                      validate=lambda: {"checked": True}, finish=lambda result: None)
    assert seen == [{"checked": True}]


def test_run_module_reports_warnings_and_hands_the_rest_to_finish():
    module = make_module({"access_key_id": "a", "access_key_secret": SECRET})
    finished = []
    common.run_module(module, lambda client, request: {"changed": False, "warnings": ["careful"], "client": client},
                      finish=finished.append)
    assert module.warnings_seen == ["careful"]
    assert len(finished) == 1 and "warnings" not in finished[0]
    assert isinstance(finished[0]["client"], RamClient)


@pytest.mark.parametrize("where, step", [
    ("validate", "checking the options failed"),
    ("connect", "connecting to Alibaba Cloud failed"),
    ("task", "running the task failed"),
    ("finish", "reporting the result failed"),
])
def test_run_module_fails_any_unexpected_error_safely(run_module, monkeypatch, tracebacks_enabled, where, step):
    """Not a RamError (a bug, or a library error nobody turned into one): the step and the type, never the text."""
    leaked = UnicodeEncodeError("latin-1", "x-acs-security-token: %s" % SECRET, 22, 23, "ordinal not in range(256)")

    def boom(*args):
        raise leaked
    if where == "connect":
        monkeypatch.setattr(common, "client_from_module", boom)
    module = make_module({"access_key_id": "a", "access_key_secret": SECRET})
    result = run_module.exit_of(lambda: common.run_module(
        module, boom if where == "task" else (lambda client, request: {"changed": False}),
        validate=boom if where == "validate" else None, finish=boom if where == "finish" else None))
    assert result["failed"] is True
    assert result["msg"] == "%s: unexpected UnicodeEncodeError" % step
    assert SECRET not in json.dumps(result)
    assert "UnicodeEncodeError (message hidden)" in result["exception"]


def test_run_module_reports_a_missing_ca_bundle_by_its_option(run_module, tmp_path):
    module = make_module({"access_key_id": "a", "access_key_secret": SECRET, "ca_bundle": str(tmp_path / "ca.pem")})
    result = run_module.exit_of(lambda: common.run_module(module, lambda client, request: client.get_default_domain()))
    assert result["msg"] == "ca_bundle: %s is not a readable file (or directory) of CA certificates" % (tmp_path / "ca.pem")


def test_run_module_reports_a_token_that_cannot_be_sent_without_showing_it(run_module, tracebacks_enabled):
    token = "CAIS\u2019-token-SECRETPART"
    with ScriptedServer() as server:
        module = make_module({"access_key_id": "STS.a", "access_key_secret": SECRET, "security_token": token,
                              "ims_endpoint": server.endpoint})
        result = run_module.exit_of(lambda: common.run_module(module, lambda client, request: {"domain": client.get_default_domain()}))
    assert server.received == []
    assert result["msg"].startswith("security_token (from module options) holds a character that cannot be sent")
    text = json.dumps(result)
    assert "SECRETPART" not in text and "CAIS" not in text and SECRET not in text
