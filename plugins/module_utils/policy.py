# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The custom policy reconciler (RAM 2015-05-01 CreatePolicy / GetPolicy / CreatePolicyVersion / DeletePolicy...).

No AnsibleModule here: plain functions that read, plan and apply. A no-op costs one GetPolicy and one
ListPolicyVersions. The document is compared by meaning (``policy_document.py``); a changed document becomes a
new default version, and the oldest non-default versions are deleted so that at most ``keep_versions`` remain
(RAM keeps at most 5 versions of a custom policy: fact sheet part 2, section 0 item 2 and section 3.1).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ansible_collections.aliyun.ram.plugins.module_utils import policy_document, validation
from ansible_collections.aliyun.ram.plugins.module_utils.errors import ValidationError
from ansible_collections.aliyun.ram.plugins.module_utils.plan import Plan, reconcile, task_result

if TYPE_CHECKING:
    from ansible_collections.aliyun.ram.plugins.module_utils.api import RamClient

# Versions per custom policy (RAM limits page, Dec 2025; fact sheet part 2, section 3.1).
MAX_POLICY_VERSIONS = 5
# Description: 1-1,024 characters (CreatePolicy, UpdatePolicyDescription; fact sheet part 2, sections 3.2, 3.5).
DESCRIPTION_MAX_LENGTH = 1024
# The first version of a new policy (RAM SDK comment, fact sheet part 2, section 3.1).
FIRST_VERSION = "v1"
PUBLIC_KEYS = ("policy_name", "policy_type", "description", "default_version", "attachment_count", "create_date",
               "update_date", "policy_document")


def validate_policy_name(option: str, name: Any) -> None:
    """1-128 letters, digits and hyphens (the rule of a policy reference)."""
    validation.normalize_policy_ref(option, {"name": name, "type": "Custom"})


def validate_description(option: str, value: Any) -> None:
    if not isinstance(value, str):
        raise ValidationError(option, "must be a string, got %s" % type(value).__name__)
    if value == "":
        raise ValidationError(option, "cannot be cleared: RAM requires a description of 1 to %d characters" % DESCRIPTION_MAX_LENGTH)
    validation.check_length(option, value, DESCRIPTION_MAX_LENGTH)


def validate_policy_params(params: dict[str, Any]) -> dict[str, Any]:
    """Check the module options locally (the one validation of a ram_policy task); returns them with
    ``policy_document`` parsed (a dict)."""
    validate_policy_name("name", params.get("name"))
    params = dict(params)
    state = params.get("state") or "present"
    if params.get("policy_document") is not None:
        params["policy_document"] = policy_document.validate_document("policy_document", params["policy_document"])
    elif state == "present":
        raise ValidationError("policy_document", "is required with state: present")
    if params.get("description") is not None:
        validate_description("description", params["description"])
    keep = params.get("keep_versions")
    if keep is None:
        keep = params["keep_versions"] = MAX_POLICY_VERSIONS
    if isinstance(keep, bool) or not isinstance(keep, int) or not 1 <= keep <= MAX_POLICY_VERSIONS:
        raise ValidationError("keep_versions", "must be an integer from 1 to %d (RAM keeps at most %d versions of a policy), got %r"
                              % (MAX_POLICY_VERSIONS, MAX_POLICY_VERSIONS, keep))
    return params


def _version_order(version):
    """Oldest first: by creation date, then by the number in ``vN``."""
    version_id = version.get("version_id") or ""
    number = int(version_id[1:]) if version_id[1:].isdigit() else 0
    return (version.get("create_date") or "", number, version_id)


def public_policy(policy: dict[str, Any] | None) -> dict[str, Any]:
    """The policy as a result shows it: its keys plus the default version's document, parsed."""
    if not policy:
        return {}
    view = dict((key, policy.get(key)) for key in PUBLIC_KEYS)
    document = policy.get("policy_document")
    view["policy_document"] = policy_document.parse_returned(document) if isinstance(document, str) else document
    return view


def _diff_view(policy):
    view = {"policy_name": policy["policy_name"], "policy_document": policy_document.display_form(policy.get("policy_document"))}
    if policy.get("description") is not None:
        view["description"] = policy["description"]
    return view


def plan_policy(current: dict[str, Any] | None, versions: list[dict[str, Any]], desired: dict[str, Any]) -> Plan:
    """Pure: CreatePolicy; or for an existing policy the version changes and UpdatePolicyDescription.

    ``current`` is :func:`public_policy` of GetPolicy (document parsed); ``versions`` its ListPolicyVersions.
    """
    name = desired["name"]
    document = desired["policy_document"]
    description = desired.get("description")
    text = policy_document.to_json(document)
    if current is None:
        plan = Plan(before={}, after=_diff_view({"policy_name": name, "policy_document": document, "description": description}))
        plan.add("create_policy", "create custom policy %s" % name, policy_name=name, policy_document=text,
                 description=description)
        plan.note_change("state")
        return plan

    plan = Plan(before=_diff_view(current), after=_diff_view(dict(current, policy_document=document)))
    changed_document = current.get("policy_document") is None or (
        policy_document.canonical_text(current["policy_document"]) != policy_document.canonical_text(document))
    keep = desired.get("keep_versions") or MAX_POLICY_VERSIONS
    default = current.get("default_version")
    old = sorted((v for v in versions if v.get("version_id") != default), key=_version_order)
    if changed_document:
        # the old default becomes the newest non-default version once the new one is the default
        old.append({"version_id": default})
    excess = max(0, len(versions) + (1 if changed_document else 0) - keep)
    doomed = old[:excess]
    for version in doomed:
        if version["version_id"] != default:
            plan.add("delete_policy_version", "delete version %s of policy %s" % (version["version_id"], name),
                     policy_name=name, version_id=version["version_id"])
    if changed_document:
        plan.add("create_policy_version", "create a new default version of policy %s" % name, policy_name=name,
                 policy_document=text, set_as_default=True)
        plan.note_change("policy_document")
    for version in doomed:
        if version["version_id"] == default:
            plan.add("delete_policy_version", "delete version %s of policy %s" % (default, name),
                     policy_name=name, version_id=default)
    if doomed:
        plan.note_change("versions")
    if description is not None:
        plan.before["description"] = current.get("description") or ""
        plan.after["description"] = description
        if (current.get("description") or "") != description:
            plan.add("update_policy_description", "update description of policy %s" % name, policy_name=name,
                     new_description=description)
            plan.note_change("description")
    return plan


def _plural(count, word, plural=None):
    return "%d %s" % (count, word if count == 1 else (plural or word + "s"))


def plan_policy_deletion(current: dict[str, Any], versions: list[dict[str, Any]], entities: dict[str, list[str]],
                         force: bool) -> Plan:
    """Pure: DeletePolicy after its non-default versions; with ``force`` first detach it from everyone."""
    name = current["policy_name"]
    plan = Plan(before=_diff_view(current), after={})
    users, groups, roles = entities.get("users") or [], entities.get("groups") or [], entities.get("roles") or []
    if (users or groups or roles) and not force:
        parts = []
        for items, word in ((users, "user"), (groups, "group"), (roles, "role")):
            if items:
                parts.append("%s (%s)" % (_plural(len(items), word), ", ".join(items)))
        raise ValidationError("force", "policy %s is attached to %s; set force: true to detach it and delete the policy"
                              % (name, " and ".join(parts)))
    for user in users:
        plan.add("detach_policy_from_user", "detach Custom policy %s from user %s" % (name, user),
                 user_name=user, policy_name=name, policy_type="Custom")
    for group in groups:
        plan.add("detach_policy_from_group", "detach Custom policy %s from group %s" % (name, group),
                 group_name=group, policy_name=name, policy_type="Custom")
    for role in roles:
        plan.add("detach_policy_from_role", "detach Custom policy %s from role %s" % (name, role),
                 role_name=role, policy_name=name, policy_type="Custom")
    default = current.get("default_version")
    for version in sorted((v for v in versions if v.get("version_id") != default), key=_version_order):
        plan.add("delete_policy_version", "delete version %s of policy %s" % (version["version_id"], name),
                 policy_name=name, version_id=version["version_id"])
    plan.add("delete_policy", "delete custom policy %s" % name, policy_name=name)
    plan.note_change("state")
    return plan


def read_policy(client: RamClient, name: str) -> dict[str, Any] | None:
    return public_policy(client.get_policy_detail(name, "Custom")) or None


def _result(plan, policy, diff):
    return task_result(plan, "policy", public_policy(policy), diff, header="policy %s" % plan_name(plan, policy))


def plan_name(plan, policy):
    return (policy or {}).get("policy_name") or plan.before.get("policy_name") or plan.after.get("policy_name") or ""


def ensure_policy(client: RamClient, params: dict[str, Any], check_mode: bool = False, diff: bool = False) -> dict[str, Any]:
    """What ram_policy does: read, plan, apply unless check mode, re-read when something changed.

    ``params`` must have passed :func:`validate_policy_params`.
    """
    name = params["name"]
    current = read_policy(client, name)
    if params.get("state", "present") == "absent":
        if current is None:
            return _result(Plan(), None, diff)
        entities = client.list_entities_for_policy(name, "Custom")
        versions = client.list_policy_versions(name, "Custom")
        plan = plan_policy_deletion(current, versions, entities, bool(params.get("force")))
        reconcile(client, plan, check_mode, predict=lambda: None, reread=lambda: None)
        return _result(plan, None, diff)

    if current is None and client.get_policy(name, "System") is not None:
        # CreatePolicy would fail with EntityAlreadyExists.Policy; say so before any write, in check mode too
        raise ValidationError("name", "%s is the name of a system policy; a custom policy needs another name" % name)
    versions = client.list_policy_versions(name, "Custom") if current is not None else []
    plan = plan_policy(current, versions, params)

    def predict():
        if current is None:
            return {"policy_name": name, "policy_type": "Custom", "description": params.get("description") or "",
                    "default_version": FIRST_VERSION, "attachment_count": 0, "create_date": None, "update_date": None,
                    "policy_document": params["policy_document"]}
        predicted = dict(current, policy_document=params["policy_document"])
        if params.get("description") is not None:
            predicted["description"] = params["description"]
        if "policy_document" in plan.changed_fields:
            # the ID of the next version is RAM's choice (whether IDs are reused is not documented)
            predicted["default_version"] = None
        return predicted

    after = reconcile(client, plan, check_mode, predict=predict, reread=lambda: read_policy(client, name))
    return _result(plan, after, diff)


def find_policies(client: RamClient, name: str | None = None, policy_type: str | None = None,
                  name_prefix: str | None = None, with_document: bool = True) -> list[dict[str, Any]]:
    """ram_policy_info: one policy (GetPolicy) or every policy (ListPolicies) of a type and/or name prefix,
    each with its default version's document (one GetPolicy per listed policy) unless ``with_document`` is false."""
    if policy_type is not None and policy_type not in validation.POLICY_TYPES:
        raise ValidationError("policy_type", "must be System or Custom, got %r" % (policy_type,))
    if name is not None:
        validate_policy_name("name", name)
        if name_prefix is not None:
            raise ValidationError("name_prefix", "cannot be combined with name")
        types = [policy_type] if policy_type else ["Custom", "System"]
        found = []
        for kind in types:
            policy = client.get_policy_detail(name, kind)
            if policy is not None:
                found.append(public_policy(policy))
        return found
    if name_prefix is not None and not isinstance(name_prefix, str):
        raise ValidationError("name_prefix", "must be a string")
    listed = client.list_policies(policy_type)
    if name_prefix:
        listed = [p for p in listed if (p.get("policy_name") or "").startswith(name_prefix)]
    result = []
    for policy in sorted(listed, key=lambda p: (p.get("policy_type") or "", p.get("policy_name") or "")):
        if with_document:
            detail = client.get_policy_detail(policy["policy_name"], policy["policy_type"])
            if detail is None:
                continue
            policy = detail
        item = public_policy(policy)
        if not with_document:
            item["policy_document"] = None
        result.append(item)
    return result
