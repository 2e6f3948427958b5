# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What FakeRamClient offers tests beyond the service model (the model itself: test_fake_contract.py)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading
import time

import pytest

from ansible_collections.aliyun.ram.plugins.module_utils.errors import RamApiError
from ansible_collections.aliyun.ram.tests.unit.plugins.fake_ram_client import DOMAIN, FakeRamClient

ALICE = "alice@" + DOMAIN


def test_one_call_record_with_the_writes_picked_out():
    fake = FakeRamClient()
    fake.add_user("alice")                      # seeding is not recorded
    fake.upn_for("alice")
    fake.tag_user(ALICE, {"team": "core"})
    fake.get_user(upn=ALICE)
    fake.create_login_profile(ALICE, password="Str0ng-Passw0rd!")
    fake.update_login_profile(ALICE, status="Inactive")
    assert fake.methods() == ["get_default_domain", "tag_user", "get_user", "create_login_profile",
                              "update_login_profile"]
    assert fake.writes() == ["tag_user", "create_login_profile", "update_login_profile"]
    assert fake.write_calls()[0] == ("tag_user", {"upn": ALICE, "tags": {"team": "core"}})
    assert fake.calls_to("get_user") == [{"upn": ALICE, "user_id": None}]
    assert fake.sent_passwords == ["Str0ng-Passw0rd!", None]
    assert fake.passwords[ALICE] == "Str0ng-Passw0rd!"
    fake.reset_calls()
    assert fake.calls == [] and fake.count("get_user") == 0


def test_failures_are_injected_per_method_or_per_method_and_name():
    fake = FakeRamClient()
    fake.add_user("alice")
    fake.add_user("bob")
    denied = RamApiError("NoPermission", "denied", http_status=403)
    fake.fail[("get_user", ALICE)] = denied
    with pytest.raises(RamApiError) as info:
        fake.get_user(upn=ALICE)
    assert info.value is denied
    assert fake.get_user(upn="bob@" + DOMAIN)["user_name"] == "bob"
    fake.fail["tag_user"] = KeyError("boom")
    with pytest.raises(KeyError):
        fake.tag_user("bob@" + DOMAIN, {"a": "b"})
    # the failed call is recorded, and it changed nothing
    assert fake.writes() == ["tag_user"] and fake.users["bob@" + DOMAIN]["tags"] == {}


def test_service_errors_carry_code_status_and_action():
    fake = FakeRamClient()
    with pytest.raises(RamApiError) as info:
        fake.delete_user(ALICE)
    assert (info.value.code, info.value.http_status, info.value.action) == ("EntityNotExist.User", 404, "DeleteUser")
    assert info.value.is_not_found() and info.value.retried is False
    # seeding follows the same rules
    fake.add_group("dev")
    with pytest.raises(RamApiError) as info:
        fake.add_group("DEV")
    assert info.value.code == "EntityAlreadyExists.Group"


def test_gather_holds_calls_until_all_have_arrived_and_peak_counts_them():
    fake = FakeRamClient()
    fake.gather("get_group", 4)
    threads = [threading.Thread(target=fake.get_group, args=("g%d" % index,)) for index in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert fake.peak == 4 and fake.active == 0
    assert len(fake.threads) == 4


def test_concurrent_writes_keep_the_account_consistent():
    fake = FakeRamClient()
    fake.add_group("dev")
    names = ["user%02d" % index for index in range(40)]

    def onboard(name):
        fake.create_user("%s@%s" % (name, DOMAIN), name)
        fake.add_user_to_group("%s@%s" % (name, DOMAIN), "dev")
    threads = [threading.Thread(target=onboard, args=(name,)) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert [user["user_name"] for user in fake.list_users()] == names
    assert fake.members_of("dev") == ["%s@%s" % (name, DOMAIN) for name in names]
    assert fake.count("create_user") == 40 and len(set(u["user_id"] for u in fake.users.values())) == 40


def test_renames_carry_everything_attached_to_the_user():
    fake = FakeRamClient()
    fake.add_group("dev")
    fake.add_user("carol", groups=["dev"], tags={"team": "core"})
    fake.add_user_policy("carol", "ReadOnlyAccess")
    fake.add_login_profile("carol@" + DOMAIN, password="Str0ng-Passw0rd!")
    key = fake.add_access_key("carol@" + DOMAIN)
    fake.person_bind_mfa("carol@" + DOMAIN)
    fake.update_user(upn="carol@" + DOMAIN, new_upn="caroline@" + DOMAIN)
    new = "caroline@" + DOMAIN
    assert list(fake.users) == [new] and fake.users[new]["tags"] == {"team": "core"}
    assert fake.groups_of(new) == ["dev"] and fake.policies_of("caroline") == [("System", "ReadOnlyAccess")]
    assert fake.get_login_profile(new)["user_principal_name"] == new
    assert [k["access_key_id"] for k in fake.list_access_keys(new)] == [key]
    assert fake.get_user_mfa_info(new)["serial_number"] == "acs:ram::1234567890123456:mfa/carol"


def test_latency_is_spent_in_every_call():
    fake = FakeRamClient(latency=0.05)
    started = time.monotonic()
    fake.get_default_domain()
    assert time.monotonic() - started >= 0.05
