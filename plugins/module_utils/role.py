# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The RAM role reconciler (RAM 2015-05-01 CreateRole / GetRole / UpdateRole / DeleteRole and the role's policies).

No AnsibleModule here: plain functions that read, plan and apply. A no-op costs one GetRole (and one
ListPoliciesForRole when policies are managed). The trust policy is compared by meaning, as policy documents are
(``policy_document.py``). An UpdateRole always sends the maximum session duration: whether leaving it out resets
it to 3600 is not documented (fact sheet part 2, section 5.4), so the current or wanted value goes with every update.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ansible_collections.aliyun.ram.plugins.module_utils import policy_document, validation
from ansible_collections.aliyun.ram.plugins.module_utils.errors import ValidationError
from ansible_collections.aliyun.ram.plugins.module_utils.plan import Plan, reconcile, task_result
from ansible_collections.aliyun.ram.plugins.module_utils.user import check_policy_references, plan_policy_attachments, policy_refs

if TYPE_CHECKING:
    from ansible_collections.aliyun.ram.plugins.module_utils.api import RamClient

# RoleName: 1-64 letters, digits, "." and "-" (fact sheet part 2, section 5.2).
ROLE_NAME_MAX_LENGTH = 64
_ROLE_NAME = re.compile(r"[A-Za-z0-9.-]+")
# MaxSessionDuration: 3600-43200 seconds, default 3600 (section 5.2).
MIN_SESSION_DURATION, MAX_SESSION_DURATION, DEFAULT_SESSION_DURATION = 3600, 43200, 3600
DESCRIPTION_MAX_LENGTH = 1024
# Policies attached to one role: 20 System / 10 Custom (RAM limits page, Dec 2025; section 3.1).
MAX_POLICIES_PER_ROLE = {"System": 20, "Custom": 10}
PUBLIC_KEYS = ("role_id", "role_name", "arn", "description", "max_session_duration", "create_date", "update_date",
               "assume_role_policy_document")


def validate_role_name(option: str, name: Any) -> None:
    validation.check_length(option, name, ROLE_NAME_MAX_LENGTH)
    if not _ROLE_NAME.fullmatch(name):
        raise ValidationError(option, "role name %r may contain only letters, digits, periods (.) and hyphens (-)" % name)


def check_role_policy_quota(policies: list[dict[str, Any]], name: str) -> None:
    for policy_type, limit in sorted(MAX_POLICIES_PER_ROLE.items()):
        count = sum(1 for ref in policies if ref["policy_type"] == policy_type)
        if count > limit:
            raise ValidationError("policies", "role %s would have %d %s policies attached; a role can have at most %d, "
                                  "use purge_policies to detach the others" % (name, count, policy_type, limit))


def validate_role_params(params: dict[str, Any]) -> dict[str, Any]:
    """Check the module options locally (the one validation of a ram_role task); returns them with the trust
    policy parsed and the policies normalised."""
    params = dict(params)
    validate_role_name("name", params.get("name"))
    if params.get("assume_role_policy_document") is not None:
        params["assume_role_policy_document"] = policy_document.validate_document(
            "assume_role_policy_document", params["assume_role_policy_document"])
    description = params.get("description")
    if description is not None:
        if description == "":
            raise ValidationError("description", "cannot be cleared: RAM requires a description of 1 to %d characters"
                                  % DESCRIPTION_MAX_LENGTH)
        validation.check_length("description", description, DESCRIPTION_MAX_LENGTH)
    duration = params.get("max_session_duration")
    if duration is not None and (isinstance(duration, bool) or not isinstance(duration, int)
                                 or not MIN_SESSION_DURATION <= duration <= MAX_SESSION_DURATION):
        raise ValidationError("max_session_duration", "must be %d to %d seconds, got %r"
                              % (MIN_SESSION_DURATION, MAX_SESSION_DURATION, duration))
    if params.get("policies") is not None:
        params["policies"] = validation.normalize_policy_list("policies", params["policies"])
        check_role_policy_quota(params["policies"], params["name"])
    return params


def public_role(role: dict[str, Any] | None) -> dict[str, Any]:
    if not role:
        return {}
    view = dict((key, role.get(key)) for key in PUBLIC_KEYS)
    document = view["assume_role_policy_document"]
    if isinstance(document, str):
        view["assume_role_policy_document"] = policy_document.parse_returned(document)
    if "policies" in role:
        view["policies"] = role["policies"]
    return view


def _diff_view(role):
    view = {"role_name": role["role_name"]}
    for key in ("description", "max_session_duration"):
        if role.get(key) is not None:
            view[key] = role[key]
    view["assume_role_policy_document"] = policy_document.display_form(role.get("assume_role_policy_document"))
    return view


def plan_role(current: dict[str, Any] | None, desired: dict[str, Any]) -> Plan:
    """Pure: CreateRole, or one UpdateRole for every changed field. ``current`` is :func:`public_role` of GetRole."""
    name = desired["name"]
    document = desired.get("assume_role_policy_document")
    if current is None:
        if document is None:
            raise ValidationError("assume_role_policy_document", "is required to create role %s" % name)
        after = {"role_name": name, "description": desired.get("description") or "",
                 "max_session_duration": desired.get("max_session_duration") or DEFAULT_SESSION_DURATION,
                 "assume_role_policy_document": document}
        plan = Plan(before={}, after=_diff_view(after))
        plan.add("create_role", "create role %s" % name, role_name=name,
                 assume_role_policy_document=policy_document.to_json(document), description=desired.get("description"),
                 max_session_duration=desired.get("max_session_duration"))
        plan.note_change("state")
        return plan

    wanted = dict(current)
    update = {}
    if document is not None and (current.get("assume_role_policy_document") is None or policy_document.canonical_text(
            current["assume_role_policy_document"]) != policy_document.canonical_text(document)):
        update["new_assume_role_policy_document"] = policy_document.to_json(document)
        wanted["assume_role_policy_document"] = document
    if desired.get("description") is not None and desired["description"] != (current.get("description") or ""):
        update["new_description"] = desired["description"]
        wanted["description"] = desired["description"]
    duration = desired.get("max_session_duration")
    if duration is not None and duration != current.get("max_session_duration"):
        wanted["max_session_duration"] = duration
        update["new_max_session_duration"] = duration
    plan = Plan(before=_diff_view(current), after=_diff_view(wanted))
    if update:
        fields = sorted(k[4:] for k in update)
        for field in fields:
            plan.note_change(field)
        # always sent: leaving it out may reset it to 3600 (undocumented; emulator assumption A84)
        update["new_max_session_duration"] = wanted.get("max_session_duration") or DEFAULT_SESSION_DURATION
        plan.add("update_role", "update %s of role %s" % (", ".join(fields), name), role_name=name, **update)
    return plan


def plan_role_deletion(current: dict[str, Any], policies: list[dict[str, Any]], force: bool) -> Plan:
    """Pure: DeleteRole; with ``force`` first detach its policies (DeleteRole refuses while any is attached)."""
    name = current["role_name"]
    plan = Plan(before=_diff_view(current), after={})
    if policies and not force:
        raise ValidationError("force", "role %s has %d attached polic%s (%s); set force: true to detach them and delete "
                              "the role" % (name, len(policies), "y" if len(policies) == 1 else "ies",
                                            ", ".join("%s:%s" % validation.policy_key(p) for p in policies)))
    for ref in policies:
        plan.add("detach_policy_from_role", "detach %s policy %s from role %s" % (ref["policy_type"], ref["policy_name"], name),
                 role_name=name, policy_name=ref["policy_name"], policy_type=ref["policy_type"])
    plan.add("delete_role", "delete role %s" % name, role_name=name)
    plan.note_change("state")
    return plan


def _result(plan, role, diff, name):
    return task_result(plan, "role", public_role(role), diff, header="role %s" % name)


def ensure_role(client: RamClient, params: dict[str, Any], check_mode: bool = False, diff: bool = False) -> dict[str, Any]:
    """What ram_role does. ``params`` must have passed :func:`validate_role_params`."""
    name = params["name"]
    current = public_role(client.get_role(name)) or None
    if params.get("state", "present") == "absent":
        if current is None:
            return _result(Plan(), None, diff, name)
        plan = plan_role_deletion(current, policy_refs(client.list_policies_for_role(name)), bool(params.get("force")))
        reconcile(client, plan, check_mode, predict=lambda: None, reread=lambda: None)
        return _result(plan, None, diff, name)

    plan = plan_role(current, params)
    want = params.get("policies")
    if want is not None:
        have = policy_refs(client.list_policies_for_role(name)) if current else []
        check_policy_references(client, have, want)
        plan_policy_attachments(plan, have, want, bool(params.get("purge_policies")), "role %s" % name,
                                lambda refs: check_role_policy_quota(refs, name),
                                "attach_policy_to_role", "detach_policy_from_role", {"role_name": name})

    def predict():
        role = dict(current or {"role_id": None, "role_name": name, "arn": None, "create_date": None,
                                "update_date": None})
        role.update(dict((k, v) for k, v in plan.after.items() if k != "policies"))
        if want is not None:
            role["policies"] = plan.after["policies"]
        return role

    def reread():
        role = public_role(client.get_role(name))
        if want is not None:
            role["policies"] = policy_refs(client.list_policies_for_role(name))
        return role
    after = reconcile(client, plan, check_mode, predict=predict, reread=reread)
    return _result(plan, after, diff, name)


def find_roles(client: RamClient, name: str | None = None, name_prefix: str | None = None,
               include_policies: bool = False) -> list[dict[str, Any]]:
    """ram_role_info: one role (GetRole) or every role (ListRoles) whose name starts with ``name_prefix``, each with
    its trust policy (one GetRole per listed role) and, with ``include_policies``, its attached policies."""
    if name is not None:
        validate_role_name("name", name)
        if name_prefix is not None:
            raise ValidationError("name_prefix", "cannot be combined with name")
        role = client.get_role(name)
        roles = [role] if role is not None else []
    else:
        listed = client.list_roles()
        if name_prefix:
            listed = [r for r in listed if (r.get("role_name") or "").startswith(name_prefix)]
        roles = [client.get_role(r["role_name"]) for r in sorted(listed, key=lambda r: (r.get("role_name") or "").lower())]
    result = []
    for role in roles:
        if role is None:
            continue
        item = public_role(role)
        if include_policies:
            item["policies"] = policy_refs(client.list_policies_for_role(role["role_name"]))
        result.append(item)
    return result
