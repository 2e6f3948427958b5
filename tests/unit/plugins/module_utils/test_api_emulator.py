# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""RamClient + Transport end to end against the RAM API emulator (a real signed HTTP exchange)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading
import uuid

import pytest

from ansible_collections.aliyun.ram.plugins.module_utils.errors import RamApiError
from ansible_collections.aliyun.ram.plugins.module_utils.transport import Backoff, RetryPolicy


@pytest.fixture
def client(module_emulator, emulator_ram_client):
    module_emulator.set_faults(throttle_rate=0, error_rate=0, drop_rate=0, latency_ms=0)
    return emulator_ram_client(module_emulator)


def unique(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:8])


def test_default_domain_and_upn(client, module_emulator):
    domain = client.get_default_domain()
    assert domain.endswith(".onaliyun.com")
    assert client.upn_for("bob") == "bob@" + domain
    client.upn_for("carol")
    assert [e["action"] for e in module_emulator.log_entries()].count("GetDefaultDomain") >= 1
    assert client.transport.stats["calls"] == 1


def test_user_lifecycle(client):
    upn = client.upn_for(unique("alice"))
    assert client.get_user(upn=upn) is None
    created = client.create_user(upn, "Alice", email="alice@example.com", comments="first", tags={"team": "a b", "env": ""})
    assert created["user_principal_name"] == upn
    assert created["email"] == "alice@example.com"
    fetched = client.get_user(upn=upn)
    assert fetched["user_id"] == created["user_id"]
    assert fetched["user_name"] == upn.split("@")[0]
    assert fetched["tags"] == {"team": "a b", "env": ""}
    assert client.get_user(user_id=created["user_id"])["user_principal_name"] == upn

    updated = client.update_user(upn=upn, new_display_name="Alice B", new_comments="second")
    assert updated["display_name"] == "Alice B"
    assert client.get_user(upn=upn)["comments"] == "second"
    # IMS documents NewComments as 1 to 128 characters: an empty value is refused, not taken as "clear"
    with pytest.raises(RamApiError) as refused:
        client.update_user(upn=upn, new_comments="")
    assert refused.value.code == "InvalidParameter.NewComments.Length"

    client.tag_user(upn, {"cost": "42"})
    client.untag_user(upn, ["team"])
    assert client.get_user(upn=upn)["tags"] == {"env": "", "cost": "42"}

    client.delete_user(upn)
    assert client.get_user(upn=upn) is None


def test_list_users_pages_to_the_end(client, module_emulator, emulator_ram_client):
    made = set()
    for _index in range(5):
        upn = client.upn_for(unique("pager"))
        client.create_user(upn, "Pager")
        made.add(upn)
    paging = emulator_ram_client(module_emulator, page_size=2)
    listed = [u["user_principal_name"] for u in paging.list_users()]
    assert made <= set(listed)
    assert len(listed) == len(set(listed))
    list_calls = paging.transport.stats["calls"]
    assert list_calls >= (len(listed) + 1) // 2
    for upn in made:
        client.delete_user(upn)


def test_groups_and_membership(client):
    upn = client.upn_for(unique("member"))
    group = unique("devs")
    client.create_user(upn, "Member")
    assert client.get_group(group) is None
    created = client.create_group(group, display_name="Developers", comments="c")
    assert created["group_name"] == group and created["display_name"] == "Developers"
    assert client.update_group(group, new_comments="changed")["comments"] == "changed"

    client.add_user_to_group(upn, group)
    memberships = client.list_groups_for_user(upn)
    assert [g["group_name"] for g in memberships] == [group]
    assert memberships[0]["join_date"]
    members = client.list_users_for_group(group)
    assert [m["user_principal_name"] for m in members] == [upn]
    assert group in [g["group_name"] for g in client.list_groups()]

    with pytest.raises(RamApiError) as info:
        client.delete_user(upn)
    assert info.value.code == "DeleteConflict.User.Group"

    client.remove_user_from_group(upn, group)
    assert client.list_groups_for_user(upn) == []
    client.delete_group(group)
    assert client.get_group(group) is None
    client.delete_user(upn)


def test_policies(client):
    upn = client.upn_for(unique("pol"))
    group = unique("polgroup")
    client.create_user(upn, "Policy")
    client.create_group(group)
    policy = client.get_policy("ReadOnlyAccess", "System")
    assert policy["policy_name"] == "ReadOnlyAccess" and policy["policy_type"] == "System"
    assert client.get_policy("NoSuchPolicy" + uuid.uuid4().hex[:6], "Custom") is None

    client.attach_policy_to_user(upn, "ReadOnlyAccess", "System")
    attached = client.list_policies_for_user(upn)
    assert [(p["policy_name"], p["policy_type"]) for p in attached] == [("ReadOnlyAccess", "System")]
    assert attached[0]["attach_date"]
    client.detach_policy_from_user(upn, "ReadOnlyAccess", "System")
    assert client.list_policies_for_user(upn) == []

    client.attach_policy_to_group(group, "ReadOnlyAccess", "System")
    assert [p["policy_name"] for p in client.list_policies_for_group(group)] == ["ReadOnlyAccess"]
    client.detach_policy_from_group(group, "ReadOnlyAccess", "System")
    assert client.list_policies_for_group(group) == []
    client.delete_group(group)
    client.delete_user(upn)


def test_login_profile_lifecycle(client):
    upn = client.upn_for(unique("login"))
    client.create_user(upn, "Login")
    assert client.get_login_profile(upn) is None
    created = client.create_login_profile(upn, password="Initial-Pa55word!", password_reset_required=True,
                                          mfa_bind_required=False)
    assert created["password_reset_required"] is True
    profile = client.get_login_profile(upn)
    assert profile["status"] == "Active" and profile["mfa_bind_required"] is False
    updated = client.update_login_profile(upn, status="Inactive", mfa_bind_required=True)
    assert updated["status"] == "Inactive" and updated["mfa_bind_required"] is True
    with pytest.raises(RamApiError) as info:
        client.create_login_profile(upn, password="Another-Pa55word!")
    assert info.value.code == "EntityAlreadyExists.User.LoginProfile" and info.value.retried is False
    client.delete_login_profile(upn)
    assert client.get_login_profile(upn) is None
    client.delete_user(upn)


def test_password_policy_round_trip(client):
    before = client.get_password_policy()
    assert isinstance(before["minimum_password_length"], int)
    after = client.set_password_policy(minimum_password_length=14, require_symbols=True, max_login_attemps=5)
    assert (after["minimum_password_length"], after["require_symbols"], after["max_login_attemps"]) == (14, True, 5)
    assert client.get_password_policy() == after
    restore = dict((k, v) for k, v in before.items() if v is not None)
    client.set_password_policy(**restore)


def test_access_keys_and_mfa(client):
    upn = client.upn_for(unique("keys"))
    client.create_user(upn, "Keys")
    client.transport.call("ims", "CreateAccessKey", {"UserPrincipalName": upn})
    keys = client.list_access_keys(upn)
    assert len(keys) == 1 and set(keys[0]) == {"access_key_id", "status", "create_date", "update_date"}
    assert client.get_user_mfa_info(upn) in (None, {"is_mfa_enabled": False, "serial_number": None, "device_type": None})
    client.delete_access_key(upn, keys[0]["access_key_id"])
    assert client.list_access_keys(upn) == []
    client.delete_user(upn)


def test_error_mapping(client, module_emulator, emulator_ram_client):
    upn = client.upn_for(unique("err"))
    client.create_user(upn, "Err")
    with pytest.raises(RamApiError) as info:
        client.create_user(upn, "Err")
    error = info.value
    assert (error.code, error.http_status, error.retried, error.action) == ("EntityAlreadyExists.User", 409, False, "CreateUser")
    assert error.request_id and error.message

    module_emulator.inject("GetLoginProfile", "NoPermission", 403, times=1)
    with pytest.raises(RamApiError) as info:
        client.get_login_profile(upn)
    assert (info.value.code, info.value.http_status) == ("NoPermission", 403)

    client.delete_user(upn)
    with pytest.raises(RamApiError) as info:
        client.delete_user(upn)
    assert info.value.code == "EntityNotExist.User" and info.value.http_status == 404

    wrong = emulator_ram_client(module_emulator, secret="not-the-secret")
    with pytest.raises(RamApiError) as info:
        wrong.get_default_domain()
    assert info.value.code == "SignatureDoesNotMatch"
    assert "not-the-secret" not in str(info.value)
    assert wrong.transport.stats["attempts"] == 1


def test_throttling_converges(emulator_client, emulator_ram_client):
    with emulator_client.start_emulator(["--throttle-rate", "0.4", "--seed", "3"]) as throttled:
        client = emulator_ram_client(throttled, retry=RetryPolicy(max_attempts=20, base_delay=0.005, max_delay=0.05))
        upns = [client.upn_for(unique("thr")) for _index in range(8)]
        for upn in upns:
            client.create_user(upn, "Throttled")
        listed = set(u["user_principal_name"] for u in client.list_users())
        assert set(upns) <= listed
        stats = client.transport.stats
        assert stats["throttled"] > 0
        assert stats["attempts"] == stats["calls"] + stats["retries"]
        assert throttled.stats()  # the admin endpoint still answers


def test_dropped_answers_converge_to_one_create(emulator_client, emulator_ram_client):
    """A create whose answer was lost is retried; the retry's EntityAlreadyExists returns the existing user."""
    with emulator_client.start_emulator(["--drop-rate", "0.5", "--seed", "5"]) as lossy:
        client = emulator_ram_client(lossy, retry=RetryPolicy(max_attempts=20, base_delay=0.005, max_delay=0.02))
        domain = client.get_default_domain()
        upns = ["drop-%d-%s@%s" % (index, uuid.uuid4().hex[:6], domain) for index in range(6)]
        created = [client.create_user(upn, "Dropped") for upn in upns]
        assert [u["user_principal_name"] for u in created] == upns
        assert sorted(u["user_principal_name"] for u in client.list_users()) == sorted(upns)
        for upn in upns:
            client.delete_user(upn)
        assert client.list_users() == []
        assert client.transport.stats["retries"] > 0
        conflicts = [e for e in lossy.log_entries() if e["action"] == "CreateUser" and e["code"] == "EntityAlreadyExists.User"]
        assert conflicts, "the seed should make at least one create answer get lost and be retried"


def test_one_client_shared_by_threads_with_a_shared_backoff(module_emulator, emulator_ram_client):
    module_emulator.set_faults(throttle_rate=0.3)
    client = emulator_ram_client(module_emulator, backoff=Backoff(), pool_size=4)
    upns = [client.upn_for(unique("thread")) for _index in range(24)]
    errors = []

    def work(chunk):
        try:
            for upn in chunk:
                client.create_user(upn, "Thread")
        except RamApiError as exc:
            errors.append(exc)
    threads = [threading.Thread(target=work, args=(upns[i::4],)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    module_emulator.set_faults(throttle_rate=0)
    assert errors == []
    listed = set(u["user_principal_name"] for u in client.list_users())
    assert set(upns) <= listed
    assert client.transport.stats["throttled"] > 0
    for upn in upns:
        client.delete_user(upn)
