# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.aliyun.ram.plugins.module_utils import group as group_mod
from ansible_collections.aliyun.ram.plugins.module_utils.errors import ValidationError
from ansible_collections.aliyun.ram.tests.unit.plugins.fake_ram_client import DOMAIN, FakeRamClient


def params(**overrides):
    base = {"name": "dev", "rename_from": None, "state": "present", "display_name": None, "comments": None, "force": False}
    base.update(overrides)
    return base


@pytest.fixture
def client():
    return FakeRamClient()


def test_create_rerun_is_a_single_read(client):
    first = group_mod.ensure_group(client, params(display_name="Dev", comments="c"), diff=True)
    assert first["changed"] is True
    assert first["group"]["group_name"] == "dev" and first["group"]["group_id"]
    assert first["diff"] == {"before": {}, "after": {"group_name": "dev", "display_name": "Dev", "comments": "c"}}
    client.reset_calls()
    second = group_mod.ensure_group(client, params(display_name="Dev", comments="c"))
    assert second["changed"] is False
    assert client.methods() == ["get_group"]


def test_change_one_field_and_clear_comments(client):
    client.add_group("dev", display_name="Dev", comments="old")
    result = group_mod.ensure_group(client, params(comments=""), diff=True)
    update = [kw for m, kw in client.calls if m == "update_group"]
    assert update == [{"group_name": "dev", "new_group_name": None, "new_display_name": None, "new_comments": ""}]
    assert result["diff"] == {"before": {"group_name": "dev", "comments": "old"}, "after": {"group_name": "dev", "comments": ""}}


def test_check_mode_matches_real_run(client):
    client.add_group("dev", comments="old")
    predicted = group_mod.ensure_group(client, params(comments="new"), check_mode=True, diff=True)
    assert client.writes() == []
    real = group_mod.ensure_group(client, params(comments="new"), diff=True)
    assert predicted["diff"] == real["diff"] and predicted["changed"] is True and real["changed"] is True
    assert predicted["group"]["comments"] == real["group"]["comments"] == "new"


def test_rename_converges(client):
    client.add_group("ops")
    first = group_mod.ensure_group(client, params(name="platform", rename_from="ops"))
    client.reset_calls()
    second = group_mod.ensure_group(client, params(name="platform", rename_from="ops"))
    assert first["changed"] is True and second["changed"] is False
    assert sorted(client.groups) == ["platform"]
    assert client.writes() == []


def test_rename_with_both_present_fails(client):
    client.add_group("ops")
    client.add_group("platform")
    with pytest.raises(ValidationError) as info:
        group_mod.ensure_group(client, params(name="platform", rename_from="ops"))
    assert (info.value.option, info.value.rule) == ("rename_from", "cannot rename group ops to platform: both groups exist")
    assert client.writes() == []


def test_delete_with_members_needs_force(client):
    client.add_group("dev")
    client.add_user("alice", groups=["dev"])
    client.add_group_policy("dev", "ReadOnlyAccess")
    with pytest.raises(ValidationError) as info:
        group_mod.ensure_group(client, params(state="absent"))
    assert "1 member (alice@%s)" % DOMAIN in str(info.value) and "System:ReadOnlyAccess" in str(info.value)
    assert client.writes() == []
    result = group_mod.ensure_group(client, params(state="absent", force=True), diff=True)
    assert client.writes() == ["remove_user_from_group", "detach_policy_from_group", "delete_group"]
    assert result["changed"] is True and result["group"] == {}
    client.reset_calls()
    assert group_mod.ensure_group(client, params(state="absent"))["changed"] is False
    assert client.methods() == ["get_group"]


@pytest.mark.parametrize("bad, option, rule", [
    (params(name="bad name"), "name",
     "group name 'bad name' may contain only letters, digits, periods (.), underscores (_) and hyphens (-)"),
    (params(display_name=""), "display_name", "cannot be cleared: the API requires a display name of 1 to 24 characters"),
    (params(display_name="x" * 25), "display_name", "must be 1 to 24 characters long (got 25)"),
    (params(comments="c" * 129), "comments", "must be at most 128 characters long (got 129)"),
])
def test_bad_input_fails_before_any_call(client, bad, option, rule):
    with pytest.raises(ValidationError) as info:
        group_mod.ensure_group(client, group_mod.validate_group_params(bad))
    assert (info.value.option, info.value.rule) == (option, rule)
    assert client.calls == []


def test_a_display_name_that_differs_only_in_case_is_a_change(client):
    client.add_group("dev", display_name="dev team")
    result = group_mod.ensure_group(client, params(display_name="Dev Team"))
    assert result["changed"] is True
    assert client.groups["dev"]["display_name"] == "Dev Team"


def test_force_delete_in_check_mode_writes_nothing(client):
    client.add_group("dev")
    client.add_user("alice", groups=["dev"])
    client.add_group_policy("dev", "ReadOnlyAccess")
    predicted = group_mod.ensure_group(client, params(state="absent", force=True), check_mode=True, diff=True)
    assert predicted["changed"] is True
    assert client.writes() == []
    assert "dev" in client.groups and client.members_of("dev") == ["alice@" + DOMAIN]


# ---------------------------------------------------------------- attached policies (issue 15)


def test_policies_attached_on_create_and_rerun_is_two_reads(client):
    client.add_policy("ecs-read", "Custom")
    wanted = ["ReadOnlyAccess", {"name": "ecs-read", "type": "Custom"}]
    first = group_mod.ensure_group(client, params(policies=wanted), diff=True)
    assert first["actions"] == ["create group dev", "attach Custom policy ecs-read to group dev",
                                "attach System policy ReadOnlyAccess to group dev"]
    assert first["group"]["policies"] == [{"policy_name": "ecs-read", "policy_type": "Custom"},
                                          {"policy_name": "ReadOnlyAccess", "policy_type": "System"}]
    client.reset_calls()
    second = group_mod.ensure_group(client, params(policies=list(reversed(wanted))))
    assert second["changed"] is False
    assert client.methods() == ["get_group", "list_policies_for_group"]


def test_purge_policies_and_check_mode(client):
    client.add_group("dev")
    client.add_group_policy("dev", "AdministratorAccess")
    client.add_group_policy("dev", "ReadOnlyAccess")
    keep = params(policies=["ReadOnlyAccess"])
    assert group_mod.ensure_group(client, keep)["changed"] is False
    purge = params(policies=["ReadOnlyAccess"], purge_policies=True)
    client.reset_calls()
    predicted = group_mod.ensure_group(client, purge, check_mode=True, diff=True)
    assert client.writes() == []
    real = group_mod.ensure_group(client, purge, diff=True)
    assert predicted["diff"] == real["diff"] and predicted["group"] == real["group"]
    assert real["actions"] == ["detach System policy AdministratorAccess from group dev"]
    assert real["changed_fields"] == ["policies"]


def test_unknown_policy_and_quota_fail_before_any_write(client):
    client.add_group("dev")
    with pytest.raises(ValidationError) as info:
        group_mod.ensure_group(client, params(policies=[{"name": "nope", "type": "Custom"}]))
    assert str(info.value) == "policies: Custom policy 'nope' does not exist"
    with pytest.raises(ValidationError) as info:
        group_mod.validate_group_params(params(policies=[{"name": "p%d" % n, "type": "Custom"} for n in range(11)]))
    assert str(info.value).startswith("policies: group dev would have 11 Custom policies attached; a group can have at most 10")
    assert client.writes() == []


def test_group_info_by_name_prefix_and_include(client):
    client.add_group("team-a")
    client.add_group("team-b")
    client.add_group("ops")
    client.add_user("alice", groups=["team-a"])
    client.add_group_policy("team-a", "ReadOnlyAccess")
    found = group_mod.find_groups(client, name_prefix="team-", include=["members", "policies"])
    assert [g["group_name"] for g in found] == ["team-a", "team-b"]
    assert found[0]["members"] == ["alice@%s" % DOMAIN]
    assert found[0]["policies"] == [{"policy_name": "ReadOnlyAccess", "policy_type": "System"}]
    assert group_mod.find_groups(client, name="ops")[0]["group_name"] == "ops"
    assert "members" not in group_mod.find_groups(client, name="ops")[0]
    assert group_mod.find_groups(client, name="nothing") == []
    with pytest.raises(ValidationError):
        group_mod.find_groups(client, name="bad name")


def test_known_policies_are_not_looked_up(client):
    # in check mode the onboarding role's policies do not exist yet; the group task predicts their attachment
    client.add_group("dev")
    wanted = params(policies=[{"name": "team-read", "type": "Custom"}], known_policies=["team-read"])
    result = group_mod.ensure_group(client, wanted, check_mode=True)
    assert result["actions"] == ["attach Custom policy team-read to group dev"]
    assert "get_policy" not in client.methods() and client.writes() == []
