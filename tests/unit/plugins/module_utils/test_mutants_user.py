# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""user.py: the refusals, actions, warnings, diffs and reads of a ram_user task, against the mutants
``make mutation`` found alive (docs/mutation.md)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.aliyun.ram.plugins.module_utils import user as user_mod
from ansible_collections.aliyun.ram.plugins.module_utils.errors import ValidationError
from ansible_collections.aliyun.ram.tests.unit.plugins.fake_ram_client import DOMAIN, FakeRamClient

KATE = "kate@" + DOMAIN
ONLY = "may contain only letters, digits, periods (.), underscores (_) and hyphens (-)"


def refusal(func, *args, **kwargs):
    with pytest.raises(ValidationError) as info:
        func(*args, **kwargs)
    return str(info.value)


# ---------------------------------------------------------------- options


@pytest.mark.parametrize("params, message", [
    ({}, "name: one of name or user_id is required"),
    ({"name": "", "user_id": ""}, "name: one of name or user_id is required"),
    ({"user_id": " 12"}, "user_id: must not be blank or have surrounding spaces"),
    ({"name": "kate", "user_id": "12", "rename_from": "old"},
     "rename_from: use either rename_from or user_id to address the user to rename, not both"),
    ({"name": "kate", "rename_from": "o ld"}, "rename_from: the user name 'o ld' " + ONLY),
    ({"name": "kate", "comments": "c" * 129}, "comments: must be at most 128 characters long (got 129)"),
    ({"name": "kate", "email": "nobody"}, "email: 'nobody' is not an e-mail address (expected local@domain.tld)"),
    ({"name": "kate", "mobile_phone": "123"},
     "mobile_phone: '123' must be <country code>-<number> in digits, for example 86-18600008888"),
    ({"name": "kate", "tags": {"acs:x": "1"}}, "tags: tag key 'acs:x' must not start with 'acs:' or 'aliyun'"),
    ({"name": "kate", "tags": {"flag": True}}, "tags: the value of tag 'flag' must be a string (quote it)"),
    ({"name": "kate", "groups": "dev"}, "groups: must be a list of group names"),
    ({"name": "kate", "policies": ["a.b"]}, "policies: policy name 'a.b' may contain only letters, digits and hyphens (-)"),
])
def test_option_refusals_name_the_option(params, message):
    assert refusal(user_mod.validate_user_params, params) == message


def test_valid_options_pass_with_numbers_and_nulls_as_tag_values():
    params = {"user_id": "12", "mobile_phone": "86-18600008888", "email": "kate@example.com", "comments": "",
              "tags": {"n": 5, "f": 1.5, "empty": None}, "groups": ["dev"], "policies": ["ReadOnlyAccess"]}
    assert user_mod.validate_user_params(params) is params
    user_mod.validate_user_params({"name": "kate", "rename_from": "old"})


def test_desired_fields_stringify_tags_and_sort_memberships():
    desired = user_mod.desired_from_params({"tags": {"n": 5, "f": 1.5, "empty": None, "t": "x"}, "groups": ["b", "a", "b"],
                                            "policies": ["ReadOnlyAccess", {"name": "P-x", "type": "Custom"}]}, KATE)
    assert desired["tags"] == {"n": "5", "f": "1.5", "empty": "", "t": "x"}
    assert desired["groups"] == ["a", "b"]
    assert desired["policies"] == [{"policy_name": "P-x", "policy_type": "Custom"},
                                   {"policy_name": "ReadOnlyAccess", "policy_type": "System"}]
    assert refusal(user_mod.desired_from_params, {"policies": [{"name": "x", "type": "Nope"}]}) == \
        "policies: policy 'x' has type 'Nope'; the type must be System or Custom"


# ---------------------------------------------------------------- reads


def test_memberships_of_a_user_without_a_user_name_or_tags():
    client = FakeRamClient()
    client.add_user("kate", groups=())
    client.add_user_policy("kate", "ReadOnlyAccess")
    current = user_mod.with_memberships(client, {"user_principal_name": KATE, "user_name": None, "tags": None})
    assert current["policies"] == [{"policy_name": "ReadOnlyAccess", "policy_type": "System"}]
    assert current["tags"] == {} and current["groups"] == []


def test_user_id_and_name_that_name_two_users_contradict():
    client = FakeRamClient()
    kate = client.add_user("kate")
    bob = client.add_user("bob")
    assert refusal(user_mod.resolve_current, client, upn="bob@" + DOMAIN, user_id=kate["user_id"]) == (
        "user_id: user_id %s is %s, but name bob@%s is a different user (%s): name and user_id contradict each other"
        % (kate["user_id"], KATE, DOMAIN, bob["user_id"]))
    # the same user named through another domain, or a name nobody has: no contradiction
    assert user_mod.resolve_current(client, upn="kate@alias.example.com", user_id=kate["user_id"])["user_id"] == kate["user_id"]
    assert user_mod.resolve_current(client, upn="nobody@" + DOMAIN, user_id=kate["user_id"])["user_id"] == kate["user_id"]


def test_a_rename_onto_an_existing_user_is_refused():
    client = FakeRamClient()
    client.add_user("old")
    client.add_user("kate")
    assert refusal(user_mod.resolve_current, client, upn=KATE, rename_from="old@" + DOMAIN) == (
        "rename_from: cannot rename old@%s to %s: both users exist; delete one of them or drop rename_from" % (DOMAIN, KATE))


def test_unknown_groups_and_policies_are_named():
    client = FakeRamClient()
    assert refusal(user_mod.check_references, client, None, {"groups": ["dev"]}) == "groups: group 'dev' does not exist"
    assert refusal(user_mod.check_references, client, None,
                   {"policies": [{"policy_name": "Deploy-x", "policy_type": "Custom"}]}) == \
        "policies: Custom policy 'Deploy-x' does not exist"


def test_attachments_are_read_for_a_user_given_only_by_name():
    client = FakeRamClient()
    client.add_group("dev")
    client.add_user("kate", groups=["dev"])
    client.add_user_policy("kate", "ReadOnlyAccess")
    client.reset_calls()
    attachments = user_mod.read_attachments(client, KATE)
    assert attachments == {"login_profile": None, "access_keys": [], "mfa_device": None, "groups": ["dev"],
                           "policies": [{"policy_name": "ReadOnlyAccess", "policy_type": "System"}]}
    assert client.calls_to("get_user") == [{"upn": KATE, "user_id": None}]
    assert client.calls_to("list_policies_for_user") == [{"user_name": "kate"}]


def test_attachments_of_a_user_get_user_does_not_show_yet_come_from_its_name():
    class Lagging(FakeRamClient):
        """GetUser does not show the user yet (replication lag); the other reads do."""
        def get_user(self, upn=None, user_id=None):
            return None
    client = Lagging()
    client.add_group("dev")
    client.add_user("kate", groups=["dev"])
    client.add_user_policy("kate", "ReadOnlyAccess")
    attachments = user_mod.read_attachments(client, KATE)
    assert attachments["groups"] == ["dev"]
    assert attachments["policies"] == [{"policy_name": "ReadOnlyAccess", "policy_type": "System"}]


def test_attachments_reuse_the_memberships_already_read():
    client = FakeRamClient()
    client.add_user("kate")
    current = {"user_principal_name": KATE, "groups": ["dev"], "policies": []}
    client.reset_calls()
    assert user_mod.read_attachments(client, KATE, current)["groups"] == ["dev"]
    assert client.count("get_user") == 0 and client.count("list_groups_for_user") == 0


@pytest.mark.parametrize("mfa, kept", [
    ({"is_mfa_enabled": False, "serial_number": None}, False),
    ({"is_mfa_enabled": True, "serial_number": None}, True),
    ({"is_mfa_enabled": False, "serial_number": "acs:ram::1:mfa/kate"}, True),
])
def test_an_mfa_answer_counts_only_with_a_device(mfa, kept):
    class Mfa(FakeRamClient):
        def get_user_mfa_info(self, upn):
            return dict(mfa)
    client = Mfa()
    client.add_user("kate")
    assert user_mod.read_attachments(client, KATE)["mfa_device"] == (mfa if kept else None)


# ---------------------------------------------------------------- deletion


def test_deletion_without_force_lists_everything_attached():
    current = {"user_principal_name": KATE, "user_name": "kate"}
    attachments = {"login_profile": {"status": "Active"}, "access_keys": ["AK1", "AK2"],
                   "mfa_device": {"serial_number": "s"}, "groups": ["dev"],
                   "policies": [{"policy_name": "P-x", "policy_type": "Custom"}]}
    assert refusal(user_mod.plan_user_deletion, current, attachments, False) == (
        "force: user %s has a login profile, 2 access keys, an MFA device, 1 group membership (dev) and "
        "1 attached policy (Custom:P-x); set force: true to remove them and delete the user" % KATE)
    one = {"access_keys": ["AK1"]}
    assert refusal(user_mod.plan_user_deletion, current, one, False) == \
        "force: user %s has 1 access key; set force: true to remove them and delete the user" % KATE
    two = {"access_keys": ["AK1"], "groups": ["a", "b"]}
    assert refusal(user_mod.plan_user_deletion, current, two, False) == (
        "force: user %s has 1 access key and 2 group memberships (a, b); set force: true to remove them and delete the user"
        % KATE)
    assert user_mod.describe_attachments({"policies": [{"policy_name": "R", "policy_type": "System"}]}) == \
        ["1 attached policy (System:R)"]
    policies = [{"policy_name": "P-x", "policy_type": "Custom"}, {"policy_name": "R", "policy_type": "System"}]
    assert user_mod.describe_attachments({"policies": policies})[0].endswith(" (Custom:P-x, System:R)")


def test_two_attached_policies_are_spelt_as_a_plural():
    policies = [{"policy_name": "P-x", "policy_type": "Custom"}, {"policy_name": "R", "policy_type": "System"}]
    assert user_mod.describe_attachments({"policies": policies}) == ["2 attached policies (Custom:P-x, System:R)"]


def test_forced_deletion_removes_everything_in_a_safe_order():
    current = {"user_principal_name": KATE, "user_name": None, "display_name": "Kate"}
    attachments = {"login_profile": {"status": "Active"}, "access_keys": ["AK1"], "mfa_device": {"serial_number": "s"},
                   "groups": ["dev"], "policies": [{"policy_name": "R", "policy_type": "System"}]}
    plan = user_mod.plan_user_deletion(current, attachments, True)
    assert plan.summaries() == [
        "delete the login profile of %s" % KATE, "delete access key AK1 of %s" % KATE,
        "unbind the MFA device of %s" % KATE, "remove %s from group dev" % KATE,
        "detach System policy R from %s" % KATE, "delete user %s" % KATE]
    assert plan.steps[4].kwargs == {"user_name": "kate", "policy_name": "R", "policy_type": "System"}
    assert plan.changed_fields == ["state"]
    assert plan.before["display_name"] == "Kate" and plan.before["tags"] == {} and plan.before["groups"] == []
    assert plan.after == {}


# ---------------------------------------------------------------- creation


def test_a_name_too_long_for_a_display_name_needs_one():
    upn = "a" * 25 + "@" + DOMAIN
    assert refusal(user_mod.plan_user, None, {"user_principal_name": upn}) == (
        "display_name: is required to create %s: the name is longer than the 24 characters a display name allows" % upn)
    plan = user_mod.plan_user(None, {"user_principal_name": "a" * 24 + "@" + DOMAIN})
    assert plan.after["display_name"] == "a" * 24


def test_creation_plans_every_membership_and_reports_the_new_user():
    desired = {"user_principal_name": KATE, "display_name": "Kate", "email": "", "comments": "hi", "tags": {"t": "1"},
               "groups": ["dev", "ops"], "policies": [{"policy_name": "R", "policy_type": "System"}]}
    plan = user_mod.plan_user(None, desired)
    assert plan.summaries() == ["create user %s" % KATE, "add %s to group dev" % KATE, "add %s to group ops" % KATE,
                                "attach System policy R to %s" % KATE]
    assert plan.steps[0].kwargs == {"upn": KATE, "display_name": "Kate", "comments": "hi", "tags": {"t": "1"}}
    assert plan.before == {}
    assert plan.after == {"user_principal_name": KATE, "display_name": "Kate", "email": "", "comments": "hi",
                          "tags": {"t": "1"}, "groups": ["dev", "ops"],
                          "policies": [{"policy_name": "R", "policy_type": "System"}]}
    assert plan.changed_fields == ["user_principal_name", "display_name", "email", "comments", "tags", "groups", "policies"]


def test_creation_without_memberships_changes_only_the_user():
    plan = user_mod.plan_user(None, {"user_principal_name": KATE, "tags": {}, "groups": [], "policies": []})
    assert plan.changed_fields == ["user_principal_name", "display_name", "tags"]
    assert plan.after["tags"] == {} and plan.after["groups"] == [] and plan.after["policies"] == []
    assert "tags" not in plan.steps[0].kwargs
    assert refusal(user_mod.plan_user, None, {"user_principal_name": None}) == "name: is required to create a user"


def test_too_many_policies_of_one_type_fail_before_any_write():
    refs = [{"policy_name": "P%d" % i, "policy_type": "Custom"} for i in range(11)]
    assert refusal(user_mod.plan_user, None, {"user_principal_name": KATE, "policies": refs}) == (
        "policies: %s would have 11 Custom policies attached; a user can have at most 10, use purge_policies to "
        "detach the others" % KATE)
    user_mod.check_policy_quota(refs[:10] + [{"policy_name": "S%d" % i, "policy_type": "System"} for i in range(20)], KATE)


# ---------------------------------------------------------------- updates


def existing(**fields):
    user = {"user_principal_name": KATE, "user_name": "kate", "display_name": "Kate", "email": "k@example.com",
            "mobile_phone": None, "comments": "old", "tags": {}, "groups": [], "policies": []}
    user.update(fields)
    return user


def test_an_update_names_its_fields_and_a_rename_is_part_of_it():
    plan = user_mod.plan_user(existing(), {"user_principal_name": "kathy@" + DOMAIN, "comments": "new", "display_name": "K"})
    assert plan.summaries() == ["update comments, display_name, upn of %s" % KATE]
    assert plan.changed_fields == ["user_principal_name", "display_name", "comments"]
    assert plan.before["user_principal_name"] == KATE and plan.after["user_principal_name"] == "kathy@" + DOMAIN


def test_clearing_a_field_the_api_cannot_clear_is_refused():
    assert refusal(user_mod.plan_user, existing(), {"email": ""}) == (
        "email: cannot clear the email of %s: IMS UpdateUser documents NewEmail as an e-mail address, and no Alibaba "
        "source says that an empty value clears it; give a new value, or leave email unset to keep the current one" % KATE)
    assert refusal(user_mod.plan_user, existing(mobile_phone="86-1234"), {"mobile_phone": ""}).startswith(
        "mobile_phone: cannot clear the mobile phone of %s: " % KATE)


def test_a_field_the_site_hides_is_left_alone_with_a_warning():
    plan = user_mod.plan_user(existing(email=None), {"email": "new@example.com", "mobile_phone": "86-1234"})
    assert plan.steps == []
    assert plan.warnings == [
        "%s: the API does not return the %s of %s (the international site leaves it out), so it cannot be compared and "
        "is left unchanged; it is only set when a user is created" % (field, field.replace("_", " "), KATE)
        for field in ("email", "mobile_phone")]


def test_tags_are_untagged_first_and_counted_against_the_limit():
    plan = user_mod.plan_user(existing(tags={"a": "1", "b": "2", "c": "3"}), {"tags": {"c": "4", "d": "5", "a": "1"}})
    assert plan.summaries() == ["remove tags b from %s" % KATE, "set tags c, d on %s" % KATE]
    assert plan.before["tags"] == {"a": "1", "b": "2", "c": "3"}
    assert plan.after["tags"] == {"a": "1", "c": "4", "d": "5"}
    plan = user_mod.plan_user(existing(tags={"x": "1", "y": "2"}), {"tags": {}})
    assert plan.summaries() == ["remove tags x, y from %s" % KATE]
    have = dict(("k%d" % i, "v") for i in range(15))
    assert refusal(user_mod.plan_user, existing(tags=have), {"tags": dict(("n%d" % i, "v") for i in range(6))},
                   purge_tags=False) == (
        "tags: %s would have 21 tags (its 15 tags kept plus the ones asked for); a user can have at most 20, use "
        "purge_tags to remove the others" % KATE)
    user_mod.plan_user(existing(tags=have), {"tags": dict(("n%d" % i, "v") for i in range(5))}, purge_tags=False)


def test_groups_leave_before_join_and_the_limit_counts_kept_groups():
    plan = user_mod.plan_user(existing(groups=["a", "b"]), {"groups": ["b", "c"]}, purge_groups=True)
    assert plan.summaries() == ["remove %s from group a" % KATE, "add %s to group c" % KATE]
    assert plan.before["groups"] == ["a", "b"] and plan.after["groups"] == ["b", "c"]
    assert refusal(user_mod.plan_user, existing(groups=["a", "b", "c"]), {"groups": ["d", "e", "f"]}) == (
        "groups: %s would be in 6 groups (a, b, c, d, e, f); a user can be in at most 5, use purge_groups to leave "
        "the others" % KATE)
    user_mod.plan_user(existing(groups=["a", "b", "c"]), {"groups": ["d", "e"]})


def test_policies_detach_before_attach_and_the_defaults_purge_only_tags():
    have = [{"policy_name": "Old", "policy_type": "System"}]
    want = [{"policy_name": "New", "policy_type": "Custom"}]
    plan = user_mod.plan_user(existing(policies=have, groups=["g"], tags={"x": "1"}), {"policies": want, "groups": [], "tags": {}})
    assert plan.summaries() == ["remove tags x from %s" % KATE, "attach Custom policy New to %s" % KATE]
    assert plan.before["policies"] == have
    assert plan.after["policies"] == want + have
    assert plan.changed_fields == ["tags", "policies"]
    plan = user_mod.plan_user(existing(policies=have), {"policies": want}, purge_policies=True)
    assert plan.summaries() == ["detach System policy Old from %s" % KATE, "attach Custom policy New to %s" % KATE]
    refs = [{"policy_name": "P%d" % i, "policy_type": "Custom"} for i in range(6)]
    more = [{"policy_name": "Q%d" % i, "policy_type": "Custom"} for i in range(5)]
    assert refusal(user_mod.plan_user, existing(policies=refs), {"policies": more}).startswith(
        "policies: %s would have 11 Custom policies" % KATE)


def test_a_plan_for_the_same_user_through_an_alias_is_no_rename():
    plan = user_mod.plan_user(existing(), {"user_principal_name": "kate@alias.example.com", "comments": "old"})
    assert plan.steps == [] and plan.after["user_principal_name"] == KATE


# ---------------------------------------------------------------- results and the whole task


def test_public_and_predicted_views_have_fixed_keys():
    assert user_mod.public_user(None) == {}
    view = user_mod.public_user({"user_principal_name": KATE, "tags": None, "groups": None, "policies": None})
    assert view["tags"] == {} and view["groups"] == [] and view["policies"] == []
    assert view["display_name"] is None and len(view) == len(user_mod.PUBLIC_KEYS)
    plan = user_mod.plan_user(None, {"user_principal_name": KATE})
    predicted = user_mod.predict_user(None, plan)
    assert predicted["user_name"] == "kate" and predicted["display_name"] == "kate" and predicted["user_id"] is None


def run(client, diff=True, check_mode=False, **params):
    return user_mod.ensure_user(client, user_mod.validate_user_params(params), check_mode=check_mode, diff=diff)


def test_a_task_without_state_or_purge_options_creates_and_purges_tags():
    client = FakeRamClient()
    result = run(client, name="kate", tags={"a": "1"})
    assert result["changed"] is True and result["user"]["tags"] == {"a": "1"}
    client.add_user("bob", tags={"x": "1"})
    result = run(client, name="bob", tags={"y": "2"})
    assert result["user"]["tags"] == {"y": "2"}


def test_an_unknown_user_id_cannot_be_created():
    assert refusal(run, FakeRamClient(), user_id="123") == \
        "user_id: no user has the ID 123; user_id can only address an existing user (use name to create one)"


def test_absent_with_a_contradicting_name_and_id_is_refused():
    client = FakeRamClient()
    kate = client.add_user("kate")
    client.add_user("bob")
    assert refusal(run, client, name="bob", user_id=kate["user_id"], state="absent") == (
        "user_id: user_id %s is %s, not bob@%s: name and user_id contradict each other" % (kate["user_id"], KATE, DOMAIN))
    result = run(client, name="kate@alias.example.com", user_id=kate["user_id"], state="absent")
    assert result["changed"] is True and KATE not in client.users


def test_absent_by_id_alone_deletes_that_user():
    client = FakeRamClient()
    kate = client.add_user("kate")
    result = run(client, user_id=kate["user_id"], state="absent")
    assert result["actions"] == ["delete user %s" % KATE] and result["user"] == {}
    assert result["diff"]["before"]["user_principal_name"] == KATE


def test_absent_reads_the_user_once():
    client = FakeRamClient()
    client.add_user("kate")
    client.reset_calls()
    run(client, name="kate", state="absent", check_mode=True)
    assert client.count("get_user") == 1 and client.count("list_groups_for_user") == 1


def test_an_absent_user_is_no_change_with_a_diff():
    result = run(FakeRamClient(), name="kate", state="absent")
    assert result == {"changed": False, "user": {}, "changed_fields": [], "actions": [], "warnings": [],
                      "diff": {"before": {}, "after": {}}}


def test_an_unknown_user_id_with_a_name_is_simply_absent():
    client = FakeRamClient()
    client.add_user("kate")
    assert user_mod.resolve_current(client, upn=KATE, user_id="999") is None


def test_user_id_and_the_same_name_cost_no_second_get_user():
    client = FakeRamClient()
    kate = client.add_user("kate")
    client.reset_calls()
    assert user_mod.resolve_current(client, upn=KATE, user_id=kate["user_id"])["user_id"] == kate["user_id"]
    assert client.count("get_user") == 1
