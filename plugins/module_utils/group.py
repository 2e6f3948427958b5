# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The RAM group reconciler (IMS CreateGroup / GetGroup / UpdateGroup / DeleteGroup).

No AnsibleModule here: plain functions that read, plan and apply. A no-op
costs one GetGroup (two with ``rename_from``: the old name, then the new one).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ansible_collections.aliyun.ram.plugins.module_utils.errors import ValidationError
from ansible_collections.aliyun.ram.plugins.module_utils.plan import Plan, reconcile, task_result
from ansible_collections.aliyun.ram.plugins.module_utils import validation
from ansible_collections.aliyun.ram.plugins.module_utils.user import check_policy_references, plan_policy_attachments, policy_refs

if TYPE_CHECKING:
    from ansible_collections.aliyun.ram.plugins.module_utils.api import RamClient

ATTRIBUTES = ("display_name", "comments")
PUBLIC_KEYS = ("group_id", "group_name", "display_name", "comments", "create_date", "update_date")
# Policies attached to one group, by type: 20 System / 10 Custom (RAM limits page, Dec 2025; fact sheet part 2,
# section 3.1).
MAX_POLICIES_PER_GROUP = {"System": 20, "Custom": 10}


def validate_group_params(params: dict[str, Any]) -> dict[str, Any]:
    """Check the module options locally (the one validation of a ram_group task); returns them."""
    validation.validate_group_name("name", params.get("name"))
    if params.get("rename_from") is not None:
        validation.validate_group_name("rename_from", params["rename_from"])
    if params.get("display_name") is not None:
        validation.validate_display_name("display_name", params["display_name"], validation.GROUP_DISPLAY_NAME_MAX_LENGTH)
    if params.get("comments") is not None:
        validation.validate_comments("comments", params["comments"])
    if params.get("policies") is not None:
        check_group_policy_quota(validation.normalize_policy_list("policies", params["policies"]), params.get("name"))
    return params


def check_group_policy_quota(policies: list[dict[str, Any]], name: str) -> None:
    """Fail before any write when a group would hold more policies of one type than RAM allows."""
    for policy_type, limit in sorted(MAX_POLICIES_PER_GROUP.items()):
        count = sum(1 for ref in policies if ref["policy_type"] == policy_type)
        if count > limit:
            raise ValidationError("policies", "group %s would have %d %s policies attached; a group can have at most %d, "
                                  "use purge_policies to detach the others" % (name, count, policy_type, limit))


def plan_group_policies(plan: Plan, name: str, have: list[dict[str, Any]], want: list[dict[str, Any]] | None,
                        purge: bool) -> None:
    """Pure: add the attach/detach steps that make group ``name`` hold ``want`` (None: policies are not managed)."""
    if want is None:
        return
    plan_policy_attachments(plan, have, want, purge, "group %s" % name, lambda refs: check_group_policy_quota(refs, name),
                            "attach_policy_to_group", "detach_policy_from_group", {"group_name": name})


def desired_from_params(params: dict[str, Any]) -> dict[str, Any]:
    desired = {"group_name": params["name"]}
    for field in ATTRIBUTES:
        desired[field] = params.get(field)
    return desired


def resolve_current(client: RamClient, name: str, rename_from: str | None = None) -> dict[str, Any] | None:
    """The group a task addresses: the old one while a rename is pending, else the one called ``name``."""
    if rename_from and rename_from != name:
        old = client.get_group(rename_from)
        if old is not None:
            if client.get_group(name) is not None:
                raise ValidationError("rename_from", "cannot rename group %s to %s: both groups exist" % (rename_from, name))
            return old
    return client.get_group(name)


def read_group_attachments(client: RamClient, name: str) -> dict[str, Any]:
    """What blocks DeleteGroup: members (UPNs) and attached policies."""
    members = sorted(m["user_principal_name"] for m in client.list_users_for_group(name))
    policies = [{"policy_name": p["policy_name"], "policy_type": p["policy_type"]} for p in client.list_policies_for_group(name)]
    policies.sort(key=validation.policy_key)
    return {"members": members, "policies": policies}


def plan_group(current: dict[str, Any] | None, desired: dict[str, Any]) -> Plan:
    """Pure: CreateGroup, or one UpdateGroup for the rename and every changed attribute."""
    name = desired["group_name"]
    if current is None:
        after = {"group_name": name}
        create = {"group_name": name}
        for field in ATTRIBUTES:
            value = desired.get(field)
            if value is not None:
                after[field] = value
                if value != "":
                    create[field] = value
        plan = Plan(before={}, after=after)
        plan.add("create_group", "create group %s" % name, **create)
        for field in after:
            plan.note_change(field)
        return plan

    old_name = current["group_name"]
    plan = Plan(before={"group_name": old_name}, after={"group_name": name})
    update = {}
    if name != old_name:
        update["new_group_name"] = name
        plan.note_change("group_name")
    update.update(plan.compare_fields(current, desired, ATTRIBUTES))
    if update:
        changes = ", ".join(sorted(k[4:] for k in update))
        plan.add("update_group", "update %s of group %s" % (changes, old_name), group_name=old_name, **update)
    return plan


def plan_group_deletion(current: dict[str, Any], attachments: dict[str, Any], force: bool) -> Plan:
    """Pure: DeleteGroup; with ``force`` first remove the members and detach the policies."""
    name = current["group_name"]
    plan = Plan(before=public_group(current), after={})
    members, policies = attachments.get("members") or [], attachments.get("policies") or []
    if (members or policies) and not force:
        parts = []
        if members:
            parts.append("%d member%s (%s)" % (len(members), "" if len(members) == 1 else "s", ", ".join(members)))
        if policies:
            parts.append("%d attached polic%s (%s)" % (len(policies), "y" if len(policies) == 1 else "ies",
                                                       ", ".join("%s:%s" % validation.policy_key(p) for p in policies)))
        raise ValidationError("force", "group %s has %s; set force: true to remove them and delete the group" % (name, " and ".join(parts)))
    for upn in members:
        plan.add("remove_user_from_group", "remove %s from group %s" % (upn, name), upn=upn, group_name=name)
    for ref in policies:
        plan.add("detach_policy_from_group", "detach %s policy %s from group %s" % (ref["policy_type"], ref["policy_name"], name),
                 group_name=name, policy_name=ref["policy_name"], policy_type=ref["policy_type"])
    plan.add("delete_group", "delete group %s" % name, group_name=name)
    plan.note_change("state")
    return plan


def public_group(group: dict[str, Any] | None) -> dict[str, Any]:
    if not group:
        return {}
    return dict((key, group.get(key)) for key in PUBLIC_KEYS)


def _result(plan, group, diff):
    view = public_group(group)
    if group and "policies" in group:
        view["policies"] = group["policies"]
    return task_result(plan, "group", view, diff)


def ensure_group(client: RamClient, params: dict[str, Any], check_mode: bool = False, diff: bool = False) -> dict[str, Any]:
    """What ram_group does: read, plan, apply unless check mode, re-read when something changed.

    ``params`` must have passed :func:`validate_group_params`.
    """
    name = params["name"]
    if params.get("state", "present") == "absent":
        current = client.get_group(name)
        if current is None:
            return _result(Plan(), None, diff)
        plan = plan_group_deletion(current, read_group_attachments(client, name), bool(params.get("force")))
        reconcile(client, plan, check_mode, predict=lambda: None, reread=lambda: None)
        return _result(plan, None, diff)

    current = resolve_current(client, name, params.get("rename_from"))
    plan = plan_group(current, desired_from_params(params))
    want = validation.normalize_policy_list("policies", params["policies"]) if params.get("policies") is not None else None
    if want is not None:
        have = policy_refs(client.list_policies_for_group(current["group_name"])) if current else []
        # custom policies an earlier task ensured (or, in check mode, would create) are not looked up
        known = set(("Custom", n) for n in params.get("known_policies") or ())
        check_policy_references(client, have, [ref for ref in want if validation.policy_key(ref) not in known])
        # after a rename the group is attached under its new name
        plan_group_policies(plan, name, have, want, bool(params.get("purge_policies")))

    def reread():
        group = public_group(client.get_group(name))
        if want is not None:
            group["policies"] = policy_refs(client.list_policies_for_group(name))
        return group
    after = reconcile(client, plan, check_mode, predict=lambda: dict(public_group(dict(current or {}, **plan.after)), **(
                      {"policies": plan.after["policies"]} if want is not None else {})), reread=reread)
    return _result(plan, after, diff)


GROUP_INCLUDE_CHOICES = ("members", "policies")


def find_groups(client: RamClient, name: str | None = None, name_prefix: str | None = None,
                include: Any = ()) -> list[dict[str, Any]]:
    """ram_group_info: one group (GetGroup) or every group (ListGroups) whose name starts with ``name_prefix``,
    with the members (UPNs, ListUsersForGroup) and attached policies (ListPoliciesForGroup) ``include`` asks for."""
    include = set(include or ())
    unknown = sorted(include - set(GROUP_INCLUDE_CHOICES))
    if unknown:
        raise ValidationError("include", "unknown value(s) %s; choose from %s" % (", ".join(unknown), ", ".join(GROUP_INCLUDE_CHOICES)))
    if name is not None:
        validation.validate_group_name("name", name)
        if name_prefix is not None:
            raise ValidationError("name_prefix", "cannot be combined with name")
        group = client.get_group(name)
        groups = [group] if group is not None else []
    else:
        groups = client.list_groups()
        if name_prefix:
            groups = [g for g in groups if (g.get("group_name") or "").startswith(name_prefix)]
    result = []
    for group in sorted(groups, key=lambda g: (g.get("group_name") or "").lower()):
        item = public_group(group)
        if "members" in include:
            item["members"] = sorted(m["user_principal_name"] for m in client.list_users_for_group(group["group_name"]))
        if "policies" in include:
            item["policies"] = policy_refs(client.list_policies_for_group(group["group_name"]))
        result.append(item)
    return result
