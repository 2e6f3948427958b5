# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ram_user_baseline's main() against the RAM API emulator, through the real client factory and transport."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import importlib.util
import json
import os
import stat

import pytest

from ansible.module_utils.testing import patch_module_args

from ansible_collections.aliyun.ram.plugins.module_utils.api import RamClient
from ansible_collections.aliyun.ram.plugins.module_utils.credentials import Credentials
from ansible_collections.aliyun.ram.plugins.module_utils.transport import Transport
from ansible_collections.aliyun.ram.plugins.modules import ram_user_baseline

EMULATOR_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "emulator")
DOMAIN = "example.onaliyun.com"
GIVEN_PASSWORD = "Given-Lantern-7741!"


def load_emulator_client():
    if not os.path.isfile(os.path.join(EMULATOR_DIR, "ram_backend.py")):
        pytest.skip("the emulator is not there yet")
    spec = importlib.util.spec_from_file_location("emulator_client_for_baseline", os.path.join(EMULATOR_DIR, "client.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def emulator(monkeypatch):
    client = load_emulator_client()
    handle = client.start_emulator(["--account-alias", "example"])
    for product in ("IMS", "RAM", "STS"):
        monkeypatch.setenv("ALIBABA_CLOUD_%s_ENDPOINT" % product, handle.url)
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", client.DEFAULT_ACCESS_KEY_ID)
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", client.DEFAULT_ACCESS_KEY_SECRET)
    monkeypatch.setenv("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true")
    try:
        yield handle
    finally:
        handle.cleanup()


@pytest.fixture
def api(emulator):
    transport = Transport(Credentials("testid", "testsecret", source="test"),
                          endpoints={"ims": emulator.url, "ram": emulator.url, "sts": emulator.url})
    yield RamClient(transport)
    transport.close()


@pytest.fixture
def run(capsys):
    def runner(args, check_mode=False, diff=False):
        with patch_module_args(dict(args, _ansible_check_mode=check_mode, _ansible_diff=diff)):
            with pytest.raises(SystemExit):
                ram_user_baseline.main()
        out = capsys.readouterr().out
        return json.loads(out), out
    return runner


def team(count, **extra):
    return [dict({"name": "member%02d" % index, "console_login": True}, **extra) for index in range(count)]


def state_users(emulator):
    return dict((user["UserName"], user) for user in emulator.state()["users"])


def test_onboard_rerun_check_diff_and_apply(emulator, api, run, tmp_path):
    api.create_group("dev")
    api.create_group("ops")
    password_dir = str(tmp_path / "passwords")
    args = {"users": team(6), "default_groups": ["dev"], "password_dir": password_dir, "max_concurrency": 4}

    created, raw = run(args)
    assert created["changed"] is True and created["counts"]["created"] == 6
    users = state_users(emulator)
    assert sorted(users) == ["member%02d" % i for i in range(6)]
    for name, user in users.items():
        assert user["Groups"] == ["dev"]
        assert user["LoginProfile"]["MFABindRequired"] is True
        assert user["LoginProfile"]["PasswordResetRequired"] is True
    files = sorted(os.listdir(password_dir))
    assert files == ["member%02d@%s.password" % (i, DOMAIN) for i in range(6)]
    assert stat.S_IMODE(os.stat(password_dir).st_mode) == 0o700
    log_text = open(emulator.request_log).read()
    for name in files:
        path = os.path.join(password_dir, name)
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        secret = open(path).read().strip()
        assert len(secret) >= 20
        assert secret not in raw and secret not in log_text

    emulator.reset_stats()
    again, raw = run(args)
    stats = emulator.stats()
    assert again["changed"] is False and again["counts"]["unchanged"] == 6
    assert stats["writes"] == 0
    per_action = dict((action, counts["requests"]) for action, counts in stats["by_action"].items())
    assert per_action == {"GetDefaultDomain": 1, "GetUser": 6, "ListGroupsForUser": 6, "ListPoliciesForUser": 6,
                          "GetLoginProfile": 6}

    args["users"][3]["groups"] = ["ops"]
    emulator.reset_stats()
    predicted, raw = run(args, check_mode=True, diff=True)
    assert emulator.stats()["writes"] == 0
    assert predicted["counts"]["updated"] == 1
    assert [d["before_header"] for d in predicted["diff"]] == ["user member03@%s" % DOMAIN]
    assert predicted["diff"][0]["after"]["groups"] == ["dev", "ops"]

    applied, raw = run(args, diff=True)
    assert applied["users"] == predicted["users"] and applied["diff"] == predicted["diff"]
    assert state_users(emulator)["member03"]["Groups"] == ["dev", "ops"]


def test_given_password_is_masked_and_offboarding_disables_then_deletes(emulator, api, run, tmp_path):
    api.create_group("dev")
    users = [{"name": "alice", "password": GIVEN_PASSWORD, "groups": ["dev"]},
             {"name": "bob", "password": GIVEN_PASSWORD, "groups": ["dev"]}]
    created, raw = run({"users": users})
    assert created["counts"]["created"] == 2
    assert GIVEN_PASSWORD not in raw

    offboard = [{"name": "alice", "state": "absent"}, {"name": "bob", "state": "absent"}]
    disabled, raw = run({"users": offboard}, diff=True)
    assert [user["action"] for user in disabled["users"]] == ["disabled", "disabled"]
    state = state_users(emulator)
    assert state["alice"]["LoginProfile"]["Status"] == "Inactive" and state["alice"]["Groups"] == []

    deleted, raw = run({"users": offboard, "delete_users": True})
    assert [user["action"] for user in deleted["users"]] == ["deleted", "deleted"]
    assert state_users(emulator) == {}


def test_one_failing_user_fails_the_task_but_every_user_is_reported(emulator, api, run, tmp_path):
    emulator.inject("CreateLoginProfile", "NoPermission", 403, times=1)
    result, raw = run({"users": team(3), "password_dir": str(tmp_path), "max_concurrency": 1})
    assert result["failed"] is True
    assert "1 of 3 users failed" in result["msg"]
    actions = [user["action"] for user in result["users"]]
    assert actions == ["failed", "created", "created"]
    assert result["users"][0]["error"]["code"] == "NoPermission"
    # a definite refusal: the pending password never became anyone's, so it is removed (a later run makes a new one)
    expected = ["member01@%s.password" % DOMAIN, "member02@%s.password" % DOMAIN]
    assert sorted(os.listdir(str(tmp_path))) == expected
    assert result["counts"] == {"created": 2, "updated": 0, "disabled": 0, "deleted": 0, "unchanged": 0, "failed": 1}


def test_bad_input_fails_before_any_api_call(emulator, run):
    result, raw = run({"users": [{"name": "alice", "console_login": True}]})
    assert result["failed"] is True
    assert result["msg"].startswith("password_dir: required")
    assert emulator.stats()["requests"] == 0
