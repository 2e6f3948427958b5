# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

import pytest

from ansible_collections.aliyun.ram.plugins.module_utils import user as user_mod
from ansible_collections.aliyun.ram.plugins.module_utils import user_info
from ansible_collections.aliyun.ram.plugins.module_utils.errors import ValidationError
from ansible_collections.aliyun.ram.tests.unit.plugins.fake_ram_client import DOMAIN, FakeRamClient

ALICE = "alice@" + DOMAIN
NOOP_READS = ["get_user", "list_groups_for_user", "list_policies_for_user"]


def params(**overrides):
    base = {"name": None, "user_id": None, "rename_from": None, "state": "present", "display_name": None, "email": None,
            "mobile_phone": None, "comments": None, "tags": None, "purge_tags": True, "groups": None,
            "purge_groups": False, "policies": None, "purge_policies": False, "force": False}
    base.update(overrides)
    return base


@pytest.fixture
def client():
    fake = FakeRamClient()
    fake.add_group("dev")
    fake.add_group("ops")
    return fake


def converge(client, **overrides):
    """Run a task, then the same task again; return both results and the second run's calls."""
    first = user_mod.ensure_user(client, params(**overrides), diff=True)
    client.reset_calls()
    second = user_mod.ensure_user(client, params(**overrides), diff=True)
    return first, second


# ---------------------------------------------------------------- create and no-op


def test_create_then_rerun_only_reads(client):
    first, second = converge(client, name="alice", display_name="Alice", email="a@example.com", mobile_phone="86-18600008888",
                             comments="hi", tags={"team": "core"}, groups=["dev"], policies=["AliyunOSSReadOnlyAccess"])
    assert first["changed"] is True
    assert first["user"]["user_principal_name"] == ALICE
    assert first["user"]["groups"] == ["dev"]
    assert first["user"]["policies"] == [{"policy_name": "AliyunOSSReadOnlyAccess", "policy_type": "System"}]
    assert first["user"]["tags"] == {"team": "core"}
    assert first["diff"]["before"] == {}
    assert first["diff"]["after"]["email"] == "a@example.com"
    assert second["changed"] is False
    assert client.methods() == ["get_default_domain"] + NOOP_READS
    assert second["user"] == first["user"]


def test_full_upn_skips_the_domain_lookup(client):
    client.add_user(ALICE)
    user_mod.ensure_user(client, params(name=ALICE))
    assert client.methods() == NOOP_READS


def test_create_call_carries_every_attribute_and_tags(client):
    user_mod.ensure_user(client, params(name=ALICE, display_name="Alice", comments="", tags={"n": 5}))
    create = [kw for m, kw in client.calls if m == "create_user"][0]
    # an empty comment on create sends nothing; numbers in tags become strings
    assert create == {"upn": ALICE, "display_name": "Alice", "email": None, "mobile_phone": None, "comments": None,
                      "tags": {"n": "5"}}


def test_display_name_defaults_to_the_name_part_on_create(client):
    result = user_mod.ensure_user(client, params(name="bob"))
    assert result["user"]["display_name"] == "bob"


def test_long_name_without_display_name_fails_before_any_write(client):
    with pytest.raises(ValidationError) as info:
        user_mod.ensure_user(client, params(name="a" * 30))
    assert info.value.option == "display_name"
    assert client.writes() == []


# ---------------------------------------------------------------- change one field


@pytest.mark.parametrize("field,value,expected_kwarg", [
    ("display_name", "Alice B", "new_display_name"),
    ("email", "new@example.com", "new_email"),
    ("mobile_phone", "1-5550100", "new_mobile_phone"),
    ("comments", "changed", "new_comments"),
])
def test_changing_one_field_writes_only_that_field(client, field, value, expected_kwarg):
    client.add_user(ALICE, display_name="Alice", email="a@example.com", mobile_phone="86-1000", comments="c")
    result = user_mod.ensure_user(client, params(name=ALICE, **{field: value}), diff=True)
    updates = [kw for m, kw in client.calls if m == "update_user"]
    assert client.writes() == ["update_user"]
    sent = dict((k, v) for k, v in updates[0].items() if v is not None)
    assert sent == {"upn": ALICE, expected_kwarg: value}
    assert result["diff"]["after"] == {"user_principal_name": ALICE, field: value}
    assert result["diff"]["before"][field] != value
    assert result["user"][field] == value


@pytest.mark.parametrize("field", ["comments", "email", "mobile_phone"])
def test_an_empty_string_cannot_clear_a_field(client, field):
    # UpdateUser documents no empty value for these fields, and no source says one clears them
    client.add_user(ALICE, **{field: "86-1000" if field == "mobile_phone" else "x@example.com"})
    for check_mode in (True, False):
        with pytest.raises(ValidationError) as info:
            user_mod.ensure_user(client, params(name=ALICE, display_name="Alice", **{field: ""}), check_mode=check_mode)
        assert info.value.option == field
        assert "cannot clear" in info.value.rule and "no Alibaba source" in info.value.rule
    assert client.writes() == []


@pytest.mark.parametrize("field", ["comments", "email", "mobile_phone"])
def test_an_empty_string_on_an_empty_field_is_no_change(client, field):
    client.add_user(ALICE)
    first, second = converge(client, name=ALICE, **{field: ""})
    assert first["changed"] is False and second["changed"] is False
    assert client.writes() == []


def test_a_name_in_another_domain_of_the_same_user_is_never_a_rename(client):
    # IMS accepts name@<domain alias> and reports the user under the default domain
    client.add_user(ALICE, comments="x")
    alias_upn = "alice@corp.example.com"
    client.domain_aliases.add("corp.example.com")
    for check_mode in (True, False):
        result = user_mod.ensure_user(client, params(name=alias_upn, comments="x"), check_mode=check_mode, diff=True)
        assert result["changed"] is False
        assert result["user"]["user_principal_name"] == ALICE
    assert client.writes() == []


def test_display_name_cannot_be_cleared(client):
    with pytest.raises(ValidationError) as info:
        user_mod.ensure_user(client, user_mod.validate_user_params(params(name=ALICE, display_name="")))
    assert info.value.option == "display_name"
    assert client.calls == []


def test_check_mode_predicts_the_real_run(client):
    client.add_user(ALICE, comments="old", tags={"a": "1"})
    task = params(name=ALICE, comments="new", tags={"b": "2"}, groups=["dev"], policies=[{"name": "ReadOnlyAccess"}])
    predicted = user_mod.ensure_user(client, copy.deepcopy(task), check_mode=True, diff=True)
    assert client.writes() == []
    real = user_mod.ensure_user(client, task, diff=True)
    assert predicted["changed"] is True and real["changed"] is True
    assert predicted["diff"] == real["diff"]
    for key in ("comments", "tags", "groups", "policies", "user_principal_name"):
        assert predicted["user"][key] == real["user"][key]


def test_check_mode_create_predicts_without_writing(client):
    result = user_mod.ensure_user(client, params(name="new", groups=["dev"]), check_mode=True)
    assert result["changed"] is True
    assert result["user"]["user_principal_name"] == "new@" + DOMAIN
    assert result["user"]["user_id"] is None
    assert client.writes() == []
    assert "new@" + DOMAIN not in client.users


# ---------------------------------------------------------------- intl site


def test_intl_site_does_not_update_invisible_fields_and_warns():
    client = FakeRamClient(site="intl")
    client.add_user(ALICE, email="a@example.com")
    first, second = converge(client, name=ALICE, email="other@example.com", mobile_phone="86-1000")
    assert first["changed"] is False and second["changed"] is False
    assert client.writes() == []
    assert any(w.startswith("email:") for w in first["warnings"])
    assert any(w.startswith("mobile_phone:") for w in first["warnings"])
    assert "email" not in first["diff"]["after"]


def test_intl_site_still_sends_contact_fields_on_create():
    client = FakeRamClient(site="intl")
    result = user_mod.ensure_user(client, params(name=ALICE, email="a@example.com"))
    assert result["changed"] is True
    # the service takes the value and ignores it (the emulator's A31), so what counts is that it was sent
    assert client.calls_to("create_user")[0]["email"] == "a@example.com"
    assert client.users[ALICE]["email"] == "" and result["user"]["email"] is None


# ---------------------------------------------------------------- tags, groups, policies


def test_tags_touch_only_the_difference_and_purge(client):
    client.add_user(ALICE, tags={"keep": "1", "change": "old", "drop": "x"})
    result = user_mod.ensure_user(client, params(name=ALICE, tags={"keep": "1", "change": "new"}))
    writes = [(m, kw) for m, kw in client.calls if m in ("tag_user", "untag_user")]
    assert writes == [("untag_user", {"upn": ALICE, "keys": ["drop"]}), ("tag_user", {"upn": ALICE, "tags": {"change": "new"}})]
    assert result["user"]["tags"] == {"keep": "1", "change": "new"}


def test_tags_without_purge_keep_other_tags(client):
    client.add_user(ALICE, tags={"other": "1"})
    result = user_mod.ensure_user(client, params(name=ALICE, tags={"new": "2"}, purge_tags=False))
    assert client.writes() == ["tag_user"]
    assert result["user"]["tags"] == {"other": "1", "new": "2"}


def test_groups_add_and_purge(client):
    client.add_user(ALICE, groups=["ops"])
    user_mod.ensure_user(client, params(name=ALICE, groups=["dev"]))
    assert client.writes() == ["add_user_to_group"]
    client.reset_calls()
    result = user_mod.ensure_user(client, params(name=ALICE, groups=["dev"], purge_groups=True))
    assert client.writes() == ["remove_user_from_group"]
    assert result["user"]["groups"] == ["dev"]


def test_unknown_group_fails_before_any_write(client):
    with pytest.raises(ValidationError) as info:
        user_mod.ensure_user(client, params(name=ALICE, groups=["dev", "nosuch"]))
    assert (info.value.option, info.value.rule) == ("groups", "group 'nosuch' does not exist")
    assert client.writes() == []


def test_no_group_lookup_for_groups_already_joined(client):
    client.add_user(ALICE, groups=["dev"])
    user_mod.ensure_user(client, params(name=ALICE, groups=["dev"]))
    assert "get_group" not in client.methods()


def test_more_than_five_groups_after_the_change_fails(client):
    for name in ("g1", "g2", "g3", "g4", "g5"):
        client.add_group(name)
    client.add_user(ALICE, groups=["g1", "g2", "g3", "g4", "g5"])
    with pytest.raises(ValidationError) as info:
        user_mod.ensure_user(client, params(name=ALICE, groups=["dev"]))
    assert info.value.option == "groups"
    assert info.value.rule == ("%s would be in 6 groups (dev, g1, g2, g3, g4, g5); a user can be in at most 5, "
                               "use purge_groups to leave the others" % ALICE)
    assert client.writes() == []


def test_policies_plain_name_is_system_and_purge_detaches(client):
    client.add_policy("deploy", "Custom")
    client.add_user(ALICE)
    client.add_user_policy("alice", "ReadOnlyAccess")
    result = user_mod.ensure_user(client, params(name=ALICE, policies=["AliyunOSSReadOnlyAccess", {"name": "deploy", "type": "Custom"}],
                                                 purge_policies=True), diff=True)
    assert client.writes() == ["detach_policy_from_user", "attach_policy_to_user", "attach_policy_to_user"]
    attach = [kw for m, kw in client.calls if m == "attach_policy_to_user"]
    assert {"user_name": "alice", "policy_name": "deploy", "policy_type": "Custom"} in attach
    assert result["user"]["policies"] == result["diff"]["after"]["policies"]


def test_unknown_policy_fails_before_any_write(client):
    with pytest.raises(ValidationError) as info:
        user_mod.ensure_user(client, params(name=ALICE, policies=[{"name": "NoSuch", "type": "Custom"}]))
    assert (info.value.option, info.value.rule) == ("policies", "Custom policy 'NoSuch' does not exist")
    assert client.writes() == []


# ---------------------------------------------------------------- rename


def test_rename_from_converges_and_never_recreates_the_old_user(client):
    old = client.add_user("carol", comments="keep", groups=["dev"])
    first, second = converge(client, name="caroline", rename_from="carol")
    assert first["changed"] is True
    assert first["user"]["user_id"] == old["user_id"]
    assert first["user"]["groups"] == ["dev"]
    assert second["changed"] is False
    assert second["user"]["user_principal_name"] == "caroline@" + DOMAIN
    assert "carol@" + DOMAIN not in client.users
    assert client.writes() == []


def test_rename_with_other_changes_uses_the_new_name_afterwards(client):
    client.add_user("carol")
    user_mod.ensure_user(client, params(name="caroline", rename_from="carol", comments="x", groups=["dev"]))
    update = [kw for m, kw in client.calls if m == "update_user"][0]
    assert update["new_upn"] == "caroline@" + DOMAIN and update["new_comments"] == "x"
    add = [kw for m, kw in client.calls if m == "add_user_to_group"][0]
    assert add["upn"] == "caroline@" + DOMAIN


def test_rename_when_both_exist_fails_clearly(client):
    client.add_user("carol")
    client.add_user("caroline")
    with pytest.raises(ValidationError) as info:
        user_mod.ensure_user(client, params(name="caroline", rename_from="carol"))
    assert info.value.option == "rename_from"
    assert info.value.rule == ("cannot rename carol@{0} to caroline@{0}: both users exist; delete one of them or "
                               "drop rename_from".format(DOMAIN))
    assert client.writes() == []


def test_rename_when_neither_exists_creates_the_new_name(client):
    result = user_mod.ensure_user(client, params(name="caroline", rename_from="carol"))
    assert result["changed"] is True
    assert list(client.users) == ["caroline@" + DOMAIN]


def test_rename_by_user_id_converges(client):
    dave = client.add_user("dave")
    first, second = converge(client, user_id=dave["user_id"], name="dave2")
    assert first["changed"] is True and second["changed"] is False
    assert list(client.users) == ["dave2@" + DOMAIN]


def test_name_and_user_id_of_different_users_contradict(client):
    dave = client.add_user("dave")
    erin = client.add_user("erin")
    with pytest.raises(ValidationError) as info:
        user_mod.ensure_user(client, params(user_id=dave["user_id"], name="erin"))
    assert info.value.option == "user_id"
    assert info.value.rule == ("user_id {0} is dave@{2}, but name erin@{2} is a different user ({1}): name and user_id "
                               "contradict each other".format(dave["user_id"], erin["user_id"], DOMAIN))
    assert client.writes() == []


def test_unknown_user_id_cannot_create(client):
    with pytest.raises(ValidationError) as info:
        user_mod.ensure_user(client, params(user_id="999", display_name="x"))
    assert (info.value.option, info.value.rule) == (
        "user_id", "no user has the ID 999; user_id can only address an existing user (use name to create one)")


# ---------------------------------------------------------------- delete


def attach_everything(client, upn):
    client.add_user(upn, groups=["dev", "ops"])
    client.add_login_profile(upn)
    client.add_access_key(upn, "AK1")
    client.add_mfa_device(upn)
    client.add_user_policy(upn.split("@")[0], "ReadOnlyAccess")


def test_delete_without_force_lists_what_is_attached(client):
    attach_everything(client, ALICE)
    with pytest.raises(ValidationError) as info:
        user_mod.ensure_user(client, params(name="alice", state="absent"))
    message = str(info.value)
    for part in ("a login profile", "1 access key", "an MFA device", "2 group memberships (dev, ops)",
                 "1 attached policy (System:ReadOnlyAccess)", "set force: true"):
        assert part in message
    assert client.writes() == []


def test_force_delete_removes_in_a_safe_order_and_converges(client):
    attach_everything(client, ALICE)
    predicted = user_mod.ensure_user(client, params(name="alice", state="absent", force=True), check_mode=True, diff=True)
    assert client.writes() == []
    result = user_mod.ensure_user(client, params(name="alice", state="absent", force=True), diff=True)
    assert client.writes() == ["delete_login_profile", "delete_access_key", "unbind_mfa_device", "remove_user_from_group",
                               "remove_user_from_group", "detach_policy_from_user", "delete_user"]
    assert predicted["changed"] is True and result["changed"] is True
    assert result["user"] == {} and result["diff"]["after"] == {}
    assert result["diff"]["before"]["user_principal_name"] == ALICE
    client.reset_calls()
    again = user_mod.ensure_user(client, params(name="alice", state="absent", force=True))
    assert again["changed"] is False
    assert client.methods() == ["get_default_domain", "get_user"]


def test_plain_user_is_deleted_without_force(client):
    client.add_user(ALICE)
    result = user_mod.ensure_user(client, params(name=ALICE, state="absent"))
    assert result["changed"] is True and client.writes() == ["delete_user"]


# ---------------------------------------------------------------- pure functions


def test_plan_user_is_pure_and_names_changed_fields():
    current = {"user_principal_name": ALICE, "display_name": "A", "email": "", "mobile_phone": "", "comments": "",
               "tags": {}, "groups": [], "policies": []}
    desired = dict(user_mod.desired_from_params(params(comments="c", groups=["dev"])), user_principal_name=ALICE)
    snapshot = copy.deepcopy(current)
    plan = user_mod.plan_user(current, desired)
    assert current == snapshot
    assert plan.changed_fields == ["comments", "groups"]
    assert plan.before == {"user_principal_name": ALICE, "comments": "", "groups": []}
    assert plan.after == {"user_principal_name": ALICE, "comments": "c", "groups": ["dev"]}


def test_describe_attachments_pluralises():
    parts = user_mod.describe_attachments({"access_keys": ["a", "b"], "groups": ["dev"]})
    assert parts == ["2 access keys", "1 group membership (dev)"]


# ---------------------------------------------------------------- info


def test_find_users_filters_and_includes(client):
    for name in ("alice", "alfred", "bob"):
        client.add_user(name)
    client.add_member("alfred@" + DOMAIN, "dev")
    client.add_user_policy("alfred", "ReadOnlyAccess")
    names = [u["user_principal_name"] for u in user_info.find_users(client, name_prefix="al")]
    assert names == ["alfred@" + DOMAIN, "alice@" + DOMAIN]
    names = [u["user_principal_name"] for u in user_info.find_users(client, name_regex="^(bob|alice)@")]
    assert names == ["alice@" + DOMAIN, "bob@" + DOMAIN]
    users = user_info.find_users(client, group="dev", include=["groups", "policies", "login_profile"])
    assert [u["user_name"] for u in users] == ["alfred"]
    assert users[0]["groups"] == ["dev"]
    assert users[0]["policies"] == [{"policy_name": "ReadOnlyAccess", "policy_type": "System"}]
    assert users[0]["login_profile"] is None


def test_find_one_user_by_name_or_id(client):
    bob = client.add_user("bob")
    assert [u["user_id"] for u in user_info.find_users(client, name="bob")] == [bob["user_id"]]
    assert [u["user_name"] for u in user_info.find_users(client, user_id=bob["user_id"])] == ["bob"]
    assert user_info.find_users(client, name="nobody") == []
    assert "list_users" not in client.methods()


def test_find_users_rejects_bad_regex_and_unknown_group(client):
    with pytest.raises(ValidationError) as info:
        user_info.find_users(client, name_regex="(")
    assert (info.value.option, info.value.rule) == (
        "name_regex", "is not a valid regular expression (missing ), unterminated subpattern at position 0)")
    with pytest.raises(ValidationError) as info:
        user_info.find_users(client, group="nosuch")
    assert (info.value.option, info.value.rule) == ("group", "group 'nosuch' does not exist")
    assert client.writes() == []


def test_a_display_name_that_differs_only_in_case_is_a_change(client):
    client.add_user(ALICE, display_name="alice liddell")
    first, second = converge(client, name=ALICE, display_name="Alice Liddell")
    assert first["changed"] is True and second["changed"] is False
    assert client.users[ALICE]["display_name"] == "Alice Liddell"


def test_merged_tags_over_the_limit_fail_before_any_write(client):
    client.add_user(ALICE, tags=dict(("old%d" % i, "v") for i in range(15)))
    for check_mode in (True, False):
        with pytest.raises(ValidationError) as info:
            user_mod.ensure_user(client, params(name=ALICE, tags=dict(("new%d" % i, "v") for i in range(6)),
                                                purge_tags=False), check_mode=check_mode)
        assert info.value.option == "tags" and "would have 21 tags" in info.value.rule
    assert client.writes() == []
    # with purge_tags the old ones go, so the same request fits
    result = user_mod.ensure_user(client, params(name=ALICE, tags=dict(("new%d" % i, "v") for i in range(6))))
    assert len(client.users[ALICE]["tags"]) == 6 and result["changed"] is True


@pytest.mark.parametrize("policy_type, limit", [("System", 20), ("Custom", 10)])
def test_policies_over_the_per_type_limit_fail_before_any_write(client, policy_type, limit):
    names = ["P%02d" % i for i in range(limit + 1)]
    for name in names:
        client.add_policy(name, policy_type)
    client.add_user(ALICE)
    for name in names[:limit]:
        client.add_user_policy("alice", name, policy_type)
    with pytest.raises(ValidationError) as info:
        user_mod.ensure_user(client, params(name=ALICE, policies=[{"name": names[-1], "type": policy_type}]))
    rule = ("%s would have %d %s policies attached; a user can have at most %d, use purge_policies to detach the others")
    assert (info.value.option, info.value.rule) == ("policies", rule % (ALICE, limit + 1, policy_type, limit))
    assert client.writes() == []
    # a new user asking for too many at once fails the same way, before CreateUser
    with pytest.raises(ValidationError) as info:
        user_mod.ensure_user(client, params(name="bob", policies=[{"name": n, "type": policy_type} for n in names]))
    assert (info.value.option, info.value.rule) == ("policies", rule % ("bob@" + DOMAIN, limit + 1, policy_type, limit))
    assert client.writes() == []
