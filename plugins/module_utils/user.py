# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The RAM user reconciler: read, plan, apply, re-read.

Nothing here knows about AnsibleModule, so the modules and the batch engine
share these functions unchanged. A task's ``desired`` state holds only what it
manages: ``None`` means "leave as it is".

A no-op run costs only reads: GetDefaultDomain (once, for a bare name), GetUser,
ListGroupsForUser and ListPoliciesForUser. GetGroup / GetPolicy run only for
groups and policies that are about to be added.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Iterable

from ansible_collections.aliyun.ram.plugins.module_utils.errors import ValidationError
from ansible_collections.aliyun.ram.plugins.module_utils.plan import Plan, reconcile, set_changes, task_result
from ansible_collections.aliyun.ram.plugins.module_utils import validation
from ansible_collections.aliyun.ram.plugins.module_utils.validation import same_logon_name, user_name_of

if TYPE_CHECKING:
    from ansible_collections.aliyun.ram.plugins.module_utils.api import RamClient

# Plain attributes UpdateUser can change, in the order diffs show them.
ATTRIBUTES = ("display_name", "email", "mobile_phone", "comments")
# GetUser leaves these out on the international site: None then means "cannot be seen".
SITE_DEPENDENT = ("email", "mobile_phone")
# The keys of the ``user`` return value.
PUBLIC_KEYS = (
    "user_id", "user_principal_name", "user_name", "display_name", "email", "mobile_phone", "comments",
    "create_date", "update_date", "last_login_date", "provision_type", "tags", "groups", "policies",
)
# What UpdateUser documents for each field an empty value would have to clear (fact sheet part 1, UpdateUser).
UNCLEARABLE = {
    "comments": "IMS UpdateUser documents NewComments as 1 to 128 characters",
    "email": "IMS UpdateUser documents NewEmail as an e-mail address",
    "mobile_phone": "IMS UpdateUser documents NewMobilePhone as <country code>-<number>",
}


# ---------------------------------------------------------------- input


def _stringify_tags(tags):
    if tags is None:
        return None
    result = {}
    for key, value in tags.items():
        if value is None:
            value = ""
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        result[key] = value
    return result


def validate_user_params(params: dict[str, Any]) -> dict[str, Any]:
    """Check every user option locally; raises ValidationError naming the option and the rule. Returns ``params``."""
    name, user_id, rename_from = params.get("name"), params.get("user_id"), params.get("rename_from")
    if not name and not user_id:
        raise ValidationError("name", "one of name or user_id is required")
    if name is not None:
        validation.validate_upn("name", name)
    if user_id is not None:
        validation.validate_user_id("user_id", user_id)
    if rename_from is not None:
        if user_id:
            raise ValidationError("rename_from", "use either rename_from or user_id to address the user to rename, not both")
        if not name:
            raise ValidationError("rename_from", "requires name (the new name)")
        validation.validate_upn("rename_from", rename_from)
    if params.get("display_name") is not None:
        validation.validate_display_name("display_name", params["display_name"])
    if params.get("comments") is not None:
        validation.validate_comments("comments", params["comments"])
    if params.get("email") is not None:
        validation.validate_email("email", params["email"])
    if params.get("mobile_phone") is not None:
        validation.validate_mobile_phone("mobile_phone", params["mobile_phone"])
    if params.get("tags") is not None:
        validation.validate_tags("tags", _stringify_tags(params["tags"]))
    if params.get("groups") is not None:
        validation.validate_group_list("groups", params["groups"])
    if params.get("policies") is not None:
        validation.normalize_policy_list("policies", params["policies"])
    return params


def desired_from_params(params: dict[str, Any], upn: str | None = None) -> dict[str, Any]:
    """The managed fields of a task; ``upn`` is the completed ``name`` (None: keep the current name)."""
    desired: dict[str, Any] = {"user_principal_name": upn}
    for field in ATTRIBUTES:
        desired[field] = params.get(field)
    desired["tags"] = _stringify_tags(params.get("tags"))
    groups = params.get("groups")
    desired["groups"] = sorted(set(groups)) if groups is not None else None
    policies = params.get("policies")
    desired["policies"] = validation.normalize_policy_list("policies", policies) if policies is not None else None
    return desired


# ---------------------------------------------------------------- read


def policy_refs(policies: Iterable[dict[str, Any]]) -> list[dict[str, str]]:
    refs = dict(((p["policy_type"], p["policy_name"]), {"policy_name": p["policy_name"], "policy_type": p["policy_type"]})
                for p in policies)
    return [refs[key] for key in sorted(refs)]


def with_memberships(client: RamClient, user: dict[str, Any]) -> dict[str, Any]:
    """A user dict plus ``groups`` (names) and ``policies`` ({policy_name, policy_type}), sorted."""
    current = dict(user)
    upn = user["user_principal_name"]
    current["groups"] = sorted(g["group_name"] for g in client.list_groups_for_user(upn))
    current["policies"] = policy_refs(client.list_policies_for_user(user.get("user_name") or user_name_of(upn)))
    if current.get("tags") is None:
        current["tags"] = {}
    return current


def read_user(client: RamClient, upn: str | None = None, user_id: str | None = None) -> dict[str, Any] | None:
    """GetUser + ListGroupsForUser + ListPoliciesForUser; None when the user does not exist."""
    user = client.get_user(user_id=user_id) if user_id else client.get_user(upn=upn)
    if user is None:
        return None
    return with_memberships(client, user)


def resolve_current(client: RamClient, upn: str | None = None, user_id: str | None = None,
                    rename_from: str | None = None) -> dict[str, Any] | None:
    """Find the user a task addresses, following a rename that may already have happened.

    * ``user_id``: that user (None if absent). A ``upn`` that names a different existing user is a contradiction.
    * ``rename_from``: the old user while it exists (and the new name is free); once renamed, the new one.
    * otherwise the user called ``upn``.
    """
    if user_id:
        current = read_user(client, user_id=user_id)
        if current is not None and upn and not same_logon_name(current["user_principal_name"], upn):
            other = client.get_user(upn=upn)
            if other is not None and other.get("user_id") != current.get("user_id"):
                raise ValidationError(
                    "user_id", "user_id %s is %s, but name %s is a different user (%s): name and user_id contradict each other"
                    % (user_id, current["user_principal_name"], upn, other.get("user_id")))
        return current
    if rename_from and rename_from != upn:
        old = client.get_user(upn=rename_from)
        if old is not None:
            if client.get_user(upn=upn) is not None:
                raise ValidationError(
                    "rename_from", "cannot rename %s to %s: both users exist; delete one of them or drop rename_from" % (rename_from, upn))
            return with_memberships(client, old)
    return read_user(client, upn=upn)


def check_references(client: RamClient, current: dict[str, Any] | None, desired: dict[str, Any]) -> None:
    """GetGroup / GetPolicy for the groups and policies a plan would add; unknown ones raise ValidationError."""
    have_groups = set(current["groups"]) if current else set()
    for name in desired.get("groups") or ():
        if name not in have_groups and client.get_group(name) is None:
            raise ValidationError("groups", "group %r does not exist" % name)
    check_policy_references(client, current["policies"] if current else (), desired.get("policies"))


def read_attachments(client: RamClient, upn: str, current: dict[str, Any] | None = None) -> dict[str, Any]:
    """What blocks DeleteUser: login profile, access keys, MFA device, groups, policies.

    ``current`` (from :func:`read_user`) supplies groups and policies when it has them.
    """
    if current is None or "groups" not in current:
        current = with_memberships(client, client.get_user(upn=upn) or {"user_principal_name": upn, "user_name": user_name_of(upn)})
    mfa = client.get_user_mfa_info(upn)
    if mfa is not None and not (mfa.get("is_mfa_enabled") or mfa.get("serial_number")):
        mfa = None
    return {
        "login_profile": client.get_login_profile(upn),
        "access_keys": [key["access_key_id"] for key in client.list_access_keys(upn)],
        "mfa_device": mfa,
        "groups": list(current["groups"]),
        "policies": list(current["policies"]),
    }


# ---------------------------------------------------------------- plan


def _plural(count, word):
    if count == 1:
        return "%d %s" % (count, word)
    # a consonant before the final "y" makes "ies" ("policy" -> "policies", but "key" -> "keys")
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return "%d %sies" % (count, word[:-1])
    return "%d %ss" % (count, word)


def describe_attachments(attachments: dict[str, Any]) -> list[str]:
    """Human list of what is attached, e.g. ``["a login profile", "1 access key", "2 group memberships (dev, ops)"]``."""
    parts = []
    if attachments.get("login_profile"):
        parts.append("a login profile")
    if attachments.get("access_keys"):
        parts.append(_plural(len(attachments["access_keys"]), "access key"))
    if attachments.get("mfa_device"):
        parts.append("an MFA device")
    if attachments.get("groups"):
        parts.append("%s (%s)" % (_plural(len(attachments["groups"]), "group membership"), ", ".join(attachments["groups"])))
    if attachments.get("policies"):
        names = ", ".join("%s:%s" % (p["policy_type"], p["policy_name"]) for p in attachments["policies"])
        parts.append("%s (%s)" % (_plural(len(attachments["policies"]), "attached policy"), names))
    return parts


def _join(parts):
    if len(parts) <= 1:
        return "".join(parts)
    return "%s and %s" % (", ".join(parts[:-1]), parts[-1])


def _plan_create(desired):
    upn = desired["user_principal_name"]
    display_name = desired.get("display_name")
    if display_name is None:
        display_name = user_name_of(upn)
        if len(display_name) > validation.DISPLAY_NAME_MAX_LENGTH:
            raise ValidationError("display_name", "is required to create %s: the name is longer than the %d characters a display name allows"
                                  % (upn, validation.DISPLAY_NAME_MAX_LENGTH))
    after = {"user_principal_name": upn, "display_name": display_name}
    create = {"upn": upn, "display_name": display_name}
    for field in ("email", "mobile_phone", "comments"):
        value = desired.get(field)
        if value is not None:
            after[field] = value
            if value != "":
                create[field] = value
    if desired.get("tags"):
        create["tags"] = dict(desired["tags"])
    if desired.get("tags") is not None:
        after["tags"] = dict(desired["tags"])
    plan = Plan(before={}, after=after)
    plan.add("create_user", "create user %s" % upn, **create)
    for field in after:
        plan.note_change(field)
    for group in desired.get("groups") or ():
        plan.add("add_user_to_group", "add %s to group %s" % (upn, group), upn=upn, group_name=group)
    if desired.get("groups") is not None:
        after["groups"] = list(desired["groups"])
        if desired["groups"]:
            plan.note_change("groups")
    for ref in desired.get("policies") or ():
        plan.add("attach_policy_to_user", "attach %s policy %s to %s" % (ref["policy_type"], ref["policy_name"], upn),
                 user_name=user_name_of(upn), policy_name=ref["policy_name"], policy_type=ref["policy_type"])
    if desired.get("policies") is not None:
        after["policies"] = [dict(ref) for ref in desired["policies"]]
        check_policy_quota(after["policies"], upn)
        if desired["policies"]:
            plan.note_change("policies")
    return plan


def _plan_attributes(plan, current, desired, target_upn):
    upn = current["user_principal_name"]
    update = {}
    plan.before["user_principal_name"] = upn
    plan.after["user_principal_name"] = target_upn
    if target_upn != upn:
        update["new_upn"] = target_upn
        plan.note_change("user_principal_name")
    comparable = []
    for field in ATTRIBUTES:
        if desired.get(field) == "" and current.get(field) and field in UNCLEARABLE:
            raise ValidationError(field, "cannot clear the %s of %s: %s, and no Alibaba source says that an empty "
                                  "value clears it; give a new value, or leave %s unset to keep the current one"
                                  % (field.replace("_", " "), upn, UNCLEARABLE[field], field))
        if desired.get(field) is not None and current.get(field) is None and field in SITE_DEPENDENT:
            plan.warnings.append(
                "%s: the API does not return the %s of %s (the international site leaves it out), so it cannot be compared "
                "and is left unchanged; it is only set when a user is created" % (field, field.replace("_", " "), upn))
        else:
            comparable.append(field)
    update.update(plan.compare_fields(current, desired, comparable))
    if update:
        changes = ", ".join(sorted(k[4:] for k in update))
        plan.add("update_user", "update %s of %s" % (changes, upn), upn=upn, **update)


def _plan_tags(plan, current, desired, target_upn, purge_tags):
    want = desired.get("tags")
    if want is None:
        return
    have = current.get("tags") or {}
    to_remove = sorted(k for k in have if k not in want) if purge_tags else []
    to_set = dict((k, v) for k, v in want.items() if have.get(k) != v)
    after = dict(want) if purge_tags else dict(have, **want)
    if len(after) > validation.TAG_MAX_COUNT:
        raise ValidationError("tags", "%s would have %d tags (its %d tags kept plus the ones asked for); a user can have at "
                              "most %d, use purge_tags to remove the others"
                              % (target_upn, len(after), len(after) - len(want), validation.TAG_MAX_COUNT))
    plan.before["tags"] = dict(have)
    plan.after["tags"] = after
    # untag first: the 20-tag limit counts the tags still attached
    if to_remove:
        plan.add("untag_user", "remove tags %s from %s" % (", ".join(to_remove), target_upn), upn=target_upn, keys=to_remove)
    if to_set:
        plan.add("tag_user", "set tags %s on %s" % (", ".join(sorted(to_set)), target_upn), upn=target_upn, tags=to_set)
    if to_remove or to_set:
        plan.note_change("tags")


def _plan_groups(plan, current, desired, target_upn, purge_groups):
    want = desired.get("groups")
    if want is None:
        return
    have = current.get("groups") or []
    to_add, to_remove, kept = set_changes(want, have, purge_groups)
    after = sorted(set(kept))
    if len(after) > validation.MAX_GROUPS_PER_USER:
        raise ValidationError("groups", "%s would be in %d groups (%s); a user can be in at most %d, use purge_groups to leave the others"
                              % (target_upn, len(after), ", ".join(after), validation.MAX_GROUPS_PER_USER))
    plan.before["groups"] = list(have)
    plan.after["groups"] = after
    for group in to_remove:
        plan.add("remove_user_from_group", "remove %s from group %s" % (target_upn, group), upn=target_upn, group_name=group)
    for group in to_add:
        plan.add("add_user_to_group", "add %s to group %s" % (target_upn, group), upn=target_upn, group_name=group)
    if to_add or to_remove:
        plan.note_change("groups")


def _plan_policies(plan, current, desired, target_upn, purge_policies):
    want = desired.get("policies")
    if want is None:
        return
    user_name = user_name_of(target_upn)
    plan_policy_attachments(plan, current.get("policies") or [], want, purge_policies, target_upn,
                            lambda policies: check_policy_quota(policies, target_upn),
                            "attach_policy_to_user", "detach_policy_from_user", {"user_name": user_name})


def plan_policy_attachments(plan: Plan, have: list[dict[str, Any]], want: list[dict[str, Any]], purge: bool, owner: str,
                            check_quota: Callable[[list[dict[str, Any]]], None], attach: str, detach: str,
                            owner_kwargs: dict[str, Any]) -> None:
    """The attached-policy rule of users, groups and roles: before/after ``policies``, the quota check, then the
    detach steps and the attach steps (``attach``/``detach`` name the RamClient methods, ``owner_kwargs`` the
    holder as they take it, ``owner`` as summaries show it)."""
    to_attach, to_detach, kept = set_changes(want, have, purge, key=validation.policy_key)
    plan.before["policies"] = [dict(p) for p in have]
    plan.after["policies"] = policy_refs(kept)
    check_quota(plan.after["policies"])
    for ref in to_detach:
        plan.add(detach, "detach %s policy %s from %s" % (ref["policy_type"], ref["policy_name"], owner),
                 policy_name=ref["policy_name"], policy_type=ref["policy_type"], **owner_kwargs)
    for ref in to_attach:
        plan.add(attach, "attach %s policy %s to %s" % (ref["policy_type"], ref["policy_name"], owner),
                 policy_name=ref["policy_name"], policy_type=ref["policy_type"], **owner_kwargs)
    if to_attach or to_detach:
        plan.note_change("policies")


def check_policy_references(client: RamClient, have: Iterable[dict[str, Any]], want: Iterable[dict[str, Any]]) -> None:
    """GetPolicy for each policy ``want`` adds to ``have``; an unknown one raises ValidationError (option policies)."""
    have_policies = set(validation.policy_key(p) for p in have)
    for ref in want or ():
        if validation.policy_key(ref) not in have_policies and client.get_policy(ref["policy_name"], ref["policy_type"]) is None:
            raise ValidationError("policies", "%s policy %r does not exist" % (ref["policy_type"], ref["policy_name"]))


def check_policy_quota(policies: list[dict[str, Any]], upn: str) -> None:
    """Fail before any write when a user would hold more policies of one type than RAM allows."""
    for policy_type, limit in sorted(validation.MAX_POLICIES_PER_USER.items()):
        count = sum(1 for ref in policies if ref["policy_type"] == policy_type)
        if count > limit:
            raise ValidationError("policies", "%s would have %d %s policies attached; a user can have at most %d, use "
                                  "purge_policies to detach the others" % (upn, count, policy_type, limit))


def plan_user(current: dict[str, Any] | None, desired: dict[str, Any], purge_tags: bool = True, purge_groups: bool = False,
              purge_policies: bool = False) -> Plan:
    """Pure: the writes that turn ``current`` (None = absent) into ``desired``.

    Order on an existing user: UpdateUser (rename included, so later calls use the new name),
    tags, groups (leave before join: at most 5), policies (detach before attach).
    """
    if current is None:
        if not desired.get("user_principal_name"):
            raise ValidationError("name", "is required to create a user")
        return _plan_create(desired)
    target_upn = desired.get("user_principal_name") or current["user_principal_name"]
    if same_logon_name(target_upn, current["user_principal_name"]):
        # the same user named through another domain (a domain alias): never a rename
        target_upn = current["user_principal_name"]
    plan = Plan(before={}, after={})
    _plan_attributes(plan, current, desired, target_upn)
    _plan_tags(plan, current, desired, target_upn, purge_tags)
    _plan_groups(plan, current, desired, target_upn, purge_groups)
    _plan_policies(plan, current, desired, target_upn, purge_policies)
    return plan


def plan_user_deletion(current: dict[str, Any], attachments: dict[str, Any], force: bool) -> Plan:
    """Pure: DeleteUser, preceded with ``force`` by removing what is attached, in a safe order.

    Console login goes first (locks the user out), then access keys, MFA, memberships, policies.
    Without ``force`` anything attached raises ValidationError that lists it.
    """
    upn = current["user_principal_name"]
    plan = Plan(before=public_user(current), after={})
    attached = describe_attachments(attachments)
    if attached and not force:
        raise ValidationError("force", "user %s has %s; set force: true to remove them and delete the user" % (upn, _join(attached)))
    if attachments.get("login_profile"):
        plan.add("delete_login_profile", "delete the login profile of %s" % upn, upn=upn)
    for key_id in attachments.get("access_keys") or ():
        plan.add("delete_access_key", "delete access key %s of %s" % (key_id, upn), upn=upn, access_key_id=key_id)
    if attachments.get("mfa_device"):
        plan.add("unbind_mfa_device", "unbind the MFA device of %s" % upn, upn=upn)
    for group in attachments.get("groups") or ():
        plan.add("remove_user_from_group", "remove %s from group %s" % (upn, group), upn=upn, group_name=group)
    for ref in attachments.get("policies") or ():
        plan.add("detach_policy_from_user", "detach %s policy %s from %s" % (ref["policy_type"], ref["policy_name"], upn),
                 user_name=current.get("user_name") or user_name_of(upn), policy_name=ref["policy_name"], policy_type=ref["policy_type"])
    plan.add("delete_user", "delete user %s" % upn, upn=upn)
    plan.note_change("state")
    return plan


# ---------------------------------------------------------------- result


def public_user(user: dict[str, Any] | None) -> dict[str, Any]:
    """The ``user`` return value: fixed snake_case keys."""
    if not user:
        return {}
    result = dict((key, user.get(key)) for key in PUBLIC_KEYS)
    if result["tags"] is None:
        result["tags"] = {}
    for key in ("groups", "policies"):
        if result[key] is None:
            result[key] = []
    return result


def predict_user(current: dict[str, Any] | None, plan: Plan) -> dict[str, Any]:
    """Check mode: what the user would look like after the plan (unknown server fields stay None)."""
    predicted = dict(current or {})
    predicted.update(plan.after)
    upn = predicted.get("user_principal_name")
    predicted["user_name"] = user_name_of(upn)
    return public_user(predicted)


def build_result(plan: Plan, after_user: dict[str, Any] | None, diff: bool) -> dict[str, Any]:
    return task_result(plan, "user", public_user(after_user) if after_user else {}, diff)


def ensure_user(client: RamClient, params: dict[str, Any], check_mode: bool = False, diff: bool = False) -> dict[str, Any]:
    """What ram_user does: params are the module's options, checked by :func:`validate_user_params`."""
    user_id = params.get("user_id")
    upn = client.upn_for(params.get("name"))
    if params.get("state", "present") == "absent":
        return _ensure_absent(client, upn, user_id, bool(params.get("force")), check_mode, diff)

    desired = desired_from_params(params, upn)
    current = resolve_current(client, upn, user_id, client.upn_for(params.get("rename_from")))
    if current is None and user_id:
        raise ValidationError("user_id", "no user has the ID %s; user_id can only address an existing user (use name to create one)" % user_id)
    check_references(client, current, desired)
    plan = plan_user(current, desired,
                     purge_tags=params.get("purge_tags", True),
                     purge_groups=bool(params.get("purge_groups")),
                     purge_policies=bool(params.get("purge_policies")))
    after = reconcile(client, plan, check_mode, predict=lambda: predict_user(current, plan),
                      reread=lambda: read_user(client, upn=plan.after["user_principal_name"]))
    return build_result(plan, after, diff)


def _ensure_absent(client, upn, user_id, force, check_mode, diff):
    current = read_user(client, upn=upn, user_id=user_id)
    if current is not None and user_id and upn and not same_logon_name(current["user_principal_name"], upn):
        raise ValidationError("user_id", "user_id %s is %s, not %s: name and user_id contradict each other"
                              % (user_id, current["user_principal_name"], upn))
    if current is None:
        return build_result(Plan(), None, diff)
    attachments = read_attachments(client, current["user_principal_name"], current)
    plan = plan_user_deletion(current, attachments, force)
    reconcile(client, plan, check_mode, predict=lambda: None, reread=lambda: None)
    return build_result(plan, None, diff)
