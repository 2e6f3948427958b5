# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""user_info.find_users: every refusal as the user reads it, and every filter and include, against the mutants
``make mutation`` found alive (docs/mutation.md)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.aliyun.ram.plugins.module_utils import user_info
from ansible_collections.aliyun.ram.plugins.module_utils.errors import RamApiError, ValidationError
from ansible_collections.aliyun.ram.tests.unit.plugins.fake_ram_client import DOMAIN, FakeRamClient


def refusal(**kwargs):
    with pytest.raises(ValidationError) as info:
        user_info.find_users(FakeRamClient(), **kwargs)
    return str(info.value)


@pytest.mark.parametrize("kwargs, message", [
    ({"status": "frozen"}, "status: must be one of active, freeze"),
    ({"status": "active", "name": "kate"}, "status: filters listed users only; it cannot be combined with name or "
                                           "user_id because GetUser does not report a user's status"),
    ({"status": "freeze", "user_id": "123"}, "status: filters listed users only; it cannot be combined with name or "
                                             "user_id because GetUser does not report a user's status"),
    ({"include": ["groups", "tags", "keys"]}, "include: unknown value(s) keys, tags; choose from login_profile, groups, policies"),
    ({"name": "a b"}, "name: the user name 'a b' may contain only letters, digits, periods (.), underscores (_) and hyphens (-)"),
    ({"user_id": " 1"}, "user_id: must not be blank or have surrounding spaces"),
    ({"group": "dev ops"}, "group: group name 'dev ops' may contain only letters, digits, periods (.), underscores (_) and hyphens (-)"),
])
def test_refusals_name_the_option_and_the_rule(kwargs, message):
    assert refusal(**kwargs) == message


def test_a_bad_regex_is_named_with_the_reason():
    message = refusal(name_regex="(")
    assert message.startswith("name_regex: is not a valid regular expression (") and message.endswith(")")
    assert "missing )" in message


def test_an_unknown_group_is_named():
    assert refusal(group="nosuch") == "group: group 'nosuch' does not exist"


def test_a_group_listing_error_other_than_not_found_is_raised_as_it_is():
    client = FakeRamClient()
    client.add_group("dev")
    client.fail["list_users_for_group"] = RamApiError("NoPermission", "denied", http_status=403)
    with pytest.raises(RamApiError) as info:
        user_info.find_users(client, group="dev")
    assert info.value.code == "NoPermission"


@pytest.fixture
def account():
    client = FakeRamClient()
    client.add_group("dev")
    client.add_user("kate", groups=["dev"], tags={"team": "a"}, display_name="Kate")
    client.add_user("bob", display_name="Bob")
    client.add_user("alice", groups=["dev"], display_name="Alice")
    client.freeze("bob@" + DOMAIN)
    return client


def names(users):
    return [user["user_principal_name"].split("@")[0] for user in users]


def test_status_keeps_only_listed_users_in_that_state(account):
    assert names(user_info.find_users(account, status="freeze")) == ["bob"]
    assert names(user_info.find_users(account, status="active")) == ["alice", "kate"]
    listed = user_info.find_users(account)
    assert names(listed) == ["alice", "bob", "kate"]
    assert [user["status"] for user in listed] == ["active", "freeze", "active"]
    assert [user["tags"] for user in listed] == [{}, {}, {"team": "a"}]
    assert all("groups" not in user and "policies" not in user and "login_profile" not in user for user in listed)


def test_a_user_looked_up_by_name_has_no_status(account):
    [kate] = user_info.find_users(account, name="kate")
    assert kate["status"] is None and kate["display_name"] == "Kate" and kate["tags"] == {"team": "a"}
    assert sorted(kate) == sorted(["user_id", "user_principal_name", "user_name", "display_name", "email", "mobile_phone",
                                   "comments", "create_date", "update_date", "last_login_date", "provision_type",
                                   "tags", "status"])


def test_name_and_user_id_must_name_the_same_user(account):
    kate_id = account.users["kate@" + DOMAIN]["user_id"]
    assert names(user_info.find_users(account, name="kate", user_id=kate_id)) == ["kate"]
    assert names(user_info.find_users(account, name="kate@alias.example.com", user_id=kate_id)) == ["kate"]
    assert user_info.find_users(account, name="bob", user_id=kate_id) == []
    assert user_info.find_users(account, user_id="999") == []


def test_prefix_regex_and_group_filters_combine(account):
    assert names(user_info.find_users(account, name_prefix="k")) == ["kate"]
    assert names(user_info.find_users(account, name_regex="^(alice|bob)@")) == ["alice", "bob"]
    assert names(user_info.find_users(account, name_regex="e@", group="dev")) == ["alice", "kate"]
    assert names(user_info.find_users(account, group="dev", status="active")) == ["alice", "kate"]


def test_users_without_a_name_are_filtered_and_sorted_safely():
    class Listing(FakeRamClient):
        def list_users(self, status="active,freeze"):
            return [{"user_principal_name": None, "status": "active", "tags": None},
                    {"user_principal_name": "zed@" + DOMAIN, "status": "active", "tags": None}]
    client = Listing()
    assert [u["user_principal_name"] for u in user_info.find_users(client, name_prefix="z")] == ["zed@" + DOMAIN]
    assert [u["user_principal_name"] for u in user_info.find_users(client, name_regex="^$")] == [None]


def test_includes_read_groups_policies_and_the_login_profile(account):
    account.add_user_policy("kate", "ReadOnlyAccess")
    account.add_login_profile("kate@" + DOMAIN, password="Initial-pw-1")
    [kate] = user_info.find_users(account, name="kate", include=["groups", "policies", "login_profile"])
    assert kate["groups"] == ["dev"]
    assert kate["policies"] == [{"policy_name": "ReadOnlyAccess", "policy_type": "System"}]
    assert kate["login_profile"]["user_principal_name"] == "kate@" + DOMAIN
    assert kate["login_profile"]["status"] == "Active"
    assert ("list_policies_for_user", {"user_name": "kate"}) in account.calls


def test_policies_of_a_user_without_a_user_name_use_the_name_part_of_its_upn():
    class NoUserName(FakeRamClient):
        def get_user(self, upn=None, user_id=None):
            user = FakeRamClient.get_user(self, upn=upn, user_id=user_id)
            if user is not None:
                user["user_name"] = None
            return user
    client = NoUserName()
    client.add_user("kate")
    client.add_user_policy("kate", "ReadOnlyAccess")
    [kate] = user_info.find_users(client, name="kate", include=["policies"])
    assert kate["policies"] == [{"policy_name": "ReadOnlyAccess", "policy_type": "System"}]


def test_results_are_sorted_by_name_whatever_order_the_api_lists():
    class Unsorted(FakeRamClient):
        def list_users(self, status="active,freeze"):
            return [{"user_principal_name": "zed@" + DOMAIN, "status": "active", "tags": None},
                    {"user_principal_name": None, "status": "active", "tags": None},
                    {"user_principal_name": "Amy@" + DOMAIN, "status": "active", "tags": None},
                    {"user_principal_name": "bob@" + DOMAIN, "status": "active", "tags": None}]
    found = user_info.find_users(Unsorted())
    assert [u["user_principal_name"] for u in found] == [None, "Amy@" + DOMAIN, "bob@" + DOMAIN, "zed@" + DOMAIN]
