# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ram_access_key and ram_access_key_info as modules (module path), against the fake RAM client."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible_collections.aliyun.ram.plugins.modules import ram_access_key, ram_access_key_info
from ansible_collections.aliyun.ram.tests.unit.plugins.fake_ram_client import DOMAIN, FakeRamClient

UPN = "svc-deploy@" + DOMAIN


def single(items):
    """The one item of ``items`` (the test fails when there is not exactly one)."""
    items = list(items)
    assert len(items) == 1, items
    return items[0]


def account():
    fake = FakeRamClient()
    fake.add_user(UPN)
    return fake


def test_the_secret_goes_to_the_file_and_nowhere_in_the_output(run_module, tmp_path):
    fake = account()
    result = run_module(ram_access_key, {"name": "svc-deploy", "secret_dir": str(tmp_path / "keys")}, fake, diff=True)
    secret = single(fake.access_key_secrets.values())
    assert result["changed"] is True
    assert secret not in result.output
    assert "access_key_secret" not in result["created_key"]
    with open(result["created_key"]["secret_file"], encoding="utf-8") as handle:
        assert "access_key_secret = %s\n" % secret in handle.read()


def test_return_secret_shows_it_in_created_key_only(run_module, tmp_path):
    fake = account()
    result = run_module(ram_access_key, {"name": UPN, "secret_dir": str(tmp_path / "keys"), "return_secret": True}, fake)
    secret = single(fake.access_key_secrets.values())
    assert result["created_key"]["access_key_secret"] == secret
    assert result.output.count(secret) == 1
    assert os.listdir(str(tmp_path / "keys")) == []


def test_check_mode_writes_nothing(run_module, tmp_path):
    fake = account()
    result = run_module(ram_access_key, {"name": UPN, "secret_dir": str(tmp_path / "keys")}, fake, check_mode=True)
    assert result["changed"] is True and result["created_key"] is None
    assert fake.writes() == [] and not os.path.exists(str(tmp_path / "keys"))


def test_a_bad_input_fails_as_option_rule_with_no_call(run_module, tmp_path):
    fake = account()
    result = run_module(ram_access_key, {"name": UPN, "rotate_after_days": 0, "secret_dir": str(tmp_path)}, fake)
    assert result["failed"] is True
    assert result["msg"].startswith("rotate_after_days: must be a whole number of days, 1 or more")
    assert fake.calls == []


def test_the_limit_fails_before_any_write(run_module, tmp_path):
    fake = account()
    for key_id in ("LTAI5tInactive001", "LTAI5tInactive002"):
        fake.add_access_key(UPN, key_id)
        fake.update_access_key(UPN, key_id, "Inactive")
    fake.reset_calls()
    result = run_module(ram_access_key, {"name": UPN, "secret_dir": str(tmp_path / "keys")}, fake)
    assert result["failed"] is True and result["msg"].startswith("name: %s needs a new access key" % UPN)
    assert "LTAI5tInactive001" in result["msg"] and fake.writes() == []


def test_info_lists_keys_with_last_use_and_no_secret(run_module, tmp_path):
    fake = account()
    run_module(ram_access_key, {"name": UPN, "secret_dir": str(tmp_path / "keys")}, fake)
    key_id, secret = single(fake.access_key_secrets.items())
    fake.use_key(key_id, service="ecs")
    fake.reset_calls()
    result = run_module(ram_access_key_info, {"name": "svc-deploy"}, fake)
    assert result["changed"] is False
    [view] = result["access_keys"]
    assert view["access_key_id"] == key_id and view["last_used_service"] == "ecs" and view["days_since_last_use"] == 0
    assert secret not in result.output
    assert fake.writes() == []
