# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""group.py: the actions, diffs and refusals a ram_group task reports, against the mutants ``make mutation``
found alive (docs/mutation.md)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.aliyun.ram.plugins.module_utils import group as group_mod
from ansible_collections.aliyun.ram.plugins.module_utils.errors import ValidationError
from ansible_collections.aliyun.ram.tests.unit.plugins.fake_ram_client import DOMAIN, FakeRamClient


def refusal(func, *args, **kwargs):
    with pytest.raises(ValidationError) as info:
        func(*args, **kwargs)
    return str(info.value)


@pytest.mark.parametrize("params, message", [
    ({"name": None}, "name: must be a string, got NoneType"),
    ({"name": "dev", "rename_from": "old dev"},
     "rename_from: group name 'old dev' may contain only letters, digits, periods (.), underscores (_) and hyphens (-)"),
    ({"name": "dev", "display_name": "d" * 25}, "display_name: must be 1 to 24 characters long (got 25)"),
    ({"name": "dev", "display_name": ""},
     "display_name: cannot be cleared: the API requires a display name of 1 to 24 characters"),
    ({"name": "dev", "comments": "c" * 129}, "comments: must be at most 128 characters long (got 129)"),
])
def test_option_refusals_name_the_option(params, message):
    assert refusal(group_mod.validate_group_params, params) == message


def test_valid_options_pass_through():
    params = {"name": "dev", "rename_from": "old", "display_name": "d" * 24, "comments": ""}
    assert group_mod.validate_group_params(params) is params


def sent(client):
    """The writes, with the arguments that were given (not None)."""
    return [(method, dict((k, v) for k, v in kwargs.items() if v is not None)) for method, kwargs in client.write_calls()]


def ensure(client, diff=True, check_mode=False, **params):
    params.setdefault("state", "present")
    return group_mod.ensure_group(client, group_mod.validate_group_params(params), check_mode=check_mode, diff=diff)


def test_create_reports_one_action_and_the_fields_it_sets():
    client = FakeRamClient()
    result = ensure(client, name="dev", display_name="Dev", comments="")
    assert result["actions"] == ["create group dev"]
    assert result["changed_fields"] == ["group_name", "display_name", "comments"]
    assert result["diff"] == {"before": {}, "after": {"group_name": "dev", "display_name": "Dev", "comments": ""}}
    # an empty comments value is not sent on create
    assert sent(client) == [("create_group", {"group_name": "dev", "display_name": "Dev"})]
    assert result["group"]["group_name"] == "dev" and result["changed"] is True


def test_an_update_names_the_changed_fields_in_its_action():
    client = FakeRamClient()
    client.add_group("dev", display_name="Dev", comments="old")
    result = ensure(client, name="dev", display_name="Developers", comments="new")
    assert result["actions"] == ["update comments, display_name of group dev"]
    assert result["changed_fields"] == ["display_name", "comments"]
    assert result["diff"] == {"before": {"group_name": "dev", "display_name": "Dev", "comments": "old"},
                              "after": {"group_name": "dev", "display_name": "Developers", "comments": "new"}}


def test_a_rename_is_one_update_of_the_old_group():
    client = FakeRamClient()
    client.add_group("old", display_name="Old")
    result = ensure(client, name="new", rename_from="old", check_mode=True)
    assert result["actions"] == ["update group_name of group old"]
    assert result["changed_fields"] == ["group_name"]
    assert result["group"]["group_name"] == "new" and result["group"]["display_name"] == "Old"
    result = ensure(client, name="new", rename_from="old")
    assert sent(client) == [("update_group", {"group_name": "old", "new_group_name": "new"})]
    assert result["group"]["group_name"] == "new"


def test_renaming_onto_an_existing_group_is_refused():
    client = FakeRamClient()
    client.add_group("old")
    client.add_group("new")
    assert refusal(ensure, client, name="new", rename_from="old") == \
        "rename_from: cannot rename group old to new: both groups exist"


@pytest.fixture
def busy():
    client = FakeRamClient()
    client.add_group("dev", display_name="Dev", comments="team")
    client.add_policy("Deploy-x", "Custom")
    client.add_user("kate", groups=["dev"])
    client.add_user("bob", groups=["dev"])
    client.add_group_policy("dev", "ReadOnlyAccess", "System")
    client.add_group_policy("dev", "Deploy-x", "Custom")
    return client


def test_deleting_a_group_with_members_and_policies_needs_force(busy):
    assert refusal(ensure, busy, name="dev", state="absent") == (
        "force: group dev has 2 members (bob@%s, kate@%s) and 2 attached policies (Custom:Deploy-x, System:ReadOnlyAccess); "
        "set force: true to remove them and delete the group" % (DOMAIN, DOMAIN))


def test_one_member_and_one_policy_are_singular():
    client = FakeRamClient()
    client.add_group("dev")
    client.add_user("kate", groups=["dev"])
    client.add_group_policy("dev", "ReadOnlyAccess", "System")
    assert refusal(ensure, client, name="dev", state="absent") == (
        "force: group dev has 1 member (kate@%s) and 1 attached policy (System:ReadOnlyAccess); "
        "set force: true to remove them and delete the group" % DOMAIN)


def test_forced_deletion_reports_every_step_and_the_group_it_removed(busy):
    result = ensure(busy, name="dev", state="absent", force=True)
    assert result["actions"] == [
        "remove bob@%s from group dev" % DOMAIN, "remove kate@%s from group dev" % DOMAIN,
        "detach Custom policy Deploy-x from group dev", "detach System policy ReadOnlyAccess from group dev",
        "delete group dev"]
    assert result["changed_fields"] == ["state"] and result["changed"] is True and result["group"] == {}
    assert result["diff"]["after"] == {}
    assert result["diff"]["before"]["group_name"] == "dev" and result["diff"]["before"]["comments"] == "team"
    assert "dev" not in busy.groups


def test_an_absent_group_is_no_change_and_still_has_a_diff():
    result = ensure(FakeRamClient(), name="dev", state="absent")
    assert result == {"changed": False, "group": {}, "changed_fields": [], "actions": [], "warnings": [],
                      "diff": {"before": {}, "after": {}}}


def test_check_mode_deletion_writes_nothing(busy):
    result = ensure(busy, name="dev", state="absent", force=True, check_mode=True)
    assert result["changed"] is True and result["group"] == {} and busy.writes() == []
