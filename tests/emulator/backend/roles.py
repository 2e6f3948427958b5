# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""RAM roles (RAM 2015-05-01): CreateRole, GetRole, UpdateRole, DeleteRole, ListRoles and the policies of a role.

Roles live in the state as ``roles`` (lower-case name -> role), the store STS ``AssumeRole`` reads; the policies
attached to a role in ``role_policies`` (lower-case role name -> attachments, as users' and groups').
Facts from the fact sheet, part 2, section 5.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re

from .common import ApiFault, check_length, check_name, fault, page, paged, random_digits

# RoleName: 1-64 letters, digits, "." and "-" (RAM SDK 1.3.0, current API pages).
ROLE_NAME_RE = re.compile(r"[A-Za-z0-9.-]+")
# MaxSessionDuration: 3600-43200 seconds, default 3600.
MIN_SESSION, MAX_SESSION, DEFAULT_SESSION = 3600, 43200, 3600
# Roles per account: 1,000 (RAM limits page, Dec 2025).
MAX_ROLES = 1000
# Policies attached to one role: 20 System / 10 Custom (RAM limits page, Dec 2025).
MAX_POLICIES_PER_ROLE = {"System": 20, "Custom": 10}
# ASSUMPTION(A83): no length limit of a trust policy is published; the emulator refuses more than 4,096
# characters (InvalidParameter.AssumeRolePolicyDocument.Length / .NewAssumeRolePolicyDocument.Length), and a role
# seeded without one (admin, EcsRamRoleDemo) trusts the account's root.
MAX_TRUST_POLICY = 4096

MESSAGES = {
    "EntityAlreadyExists.Role": "The role does already EXIST.",
    "LimitExceeded.Role": "The count of roles beyond the current limits.",
    "DeleteConflict.Role.Policy": "The role CAN NOT has any attached policy while deleting the role.",
    "LimitExceeded.Role.Policy": "The policy count of the role beyond the current limits.",
    "EntityAlreadyExists.Role.Policy": "The role has already been attached this policy.",
    "EntityNotExist.Role.Policy": "The indicate policy attached to the role does not exist.",
}


def role_fault(code):
    error = fault(code)
    return ApiFault(code, error.http_status, MESSAGES.get(code, error.message))


class Roles:
    """The role handlers (a mixin of RamBackend)."""

    def _role_name_param(self, params, field="RoleName"):
        name = params.text(field, required=True)
        check_name(name, field, 64, ROLE_NAME_RE)
        return name

    def _role_param(self, params):
        role = self._state["roles"].get(self._role_name_param(params).lower())
        if role is None:
            raise fault("EntityNotExist.Role")
        return role

    def _trust_document(self, params, field):
        document = params.text(field, required=field == "AssumeRolePolicyDocument")
        if document is None:
            return None
        if len(document) > MAX_TRUST_POLICY:
            raise ApiFault("InvalidParameter.%s.Length" % field, 400, 'The parameter - "%s" beyond the length limit.' % field)
        try:
            parsed = json.loads(document)
        except ValueError:
            parsed = None
        self._check_document(parsed)
        return document

    def _role_document(self, role):
        if role.get("AssumeRolePolicyDocument"):
            return role["AssumeRolePolicyDocument"]
        return json.dumps({"Statement": [{"Action": "sts:AssumeRole", "Effect": "Allow",
                                          "Principal": {"RAM": ["acs:ram::%s:root" % self.account_id]}}], "Version": "1"})

    def _role_view(self, role, with_document=True):
        view = {"RoleName": role["RoleName"], "RoleId": role["RoleId"], "Arn": self._role_arn(role),
                "Description": role.get("Description", ""), "MaxSessionDuration": role.get("MaxSessionDuration", DEFAULT_SESSION),
                "CreateDate": role["CreateDate"], "UpdateDate": role.get("UpdateDate", role["CreateDate"])}
        if with_document:
            view["AssumeRolePolicyDocument"] = self._role_document(role)
        return view

    def _session_param(self, params, field):
        return params.integer(field, None, MIN_SESSION, MAX_SESSION)

    def _ram_CreateRole(self, params, caller):
        name = self._role_name_param(params)
        document = self._trust_document(params, "AssumeRolePolicyDocument")
        description = params.text("Description") or ""
        check_length(description, "Description", 1024)
        duration = self._session_param(params, "MaxSessionDuration") or DEFAULT_SESSION
        if name.lower() in self._state["roles"]:
            raise role_fault("EntityAlreadyExists.Role")
        if len(self._state["roles"]) >= MAX_ROLES:
            raise role_fault("LimitExceeded.Role")
        now = self._now()
        role = {"RoleName": name, "RoleId": random_digits(19), "MaxSessionDuration": duration, "CreateDate": now,
                "UpdateDate": now, "Description": description, "AssumeRolePolicyDocument": document}
        self._state["roles"][name.lower()] = role
        return {"Role": self._role_view(role)}

    def _ram_GetRole(self, params, caller):
        return {"Role": self._role_view(self._role_param(params))}

    def _ram_UpdateRole(self, params, caller):
        role = self._role_param(params)
        document = self._trust_document(params, "NewAssumeRolePolicyDocument")
        description = params.text("NewDescription")
        if description is not None:
            check_length(description, "NewDescription", 1024, 1)
        duration = self._session_param(params, "NewMaxSessionDuration")
        if document is not None:
            role["AssumeRolePolicyDocument"] = document
        if description is not None:
            role["Description"] = description
        # ASSUMPTION(A84): an UpdateRole without NewMaxSessionDuration sets the documented default, 3600 (the
        # harder reading of "default 3600"; fact sheet part 2, section 5.4). Omitted trust policy and description
        # keep their values.
        role["MaxSessionDuration"] = duration if duration is not None else DEFAULT_SESSION
        role["UpdateDate"] = self._now()
        return {"Role": self._role_view(role)}

    def _ram_DeleteRole(self, params, caller):
        role = self._role_param(params)
        if self._state.setdefault("role_policies", {}).get(role["RoleName"].lower()):
            raise role_fault("DeleteConflict.Role.Policy")
        del self._state["roles"][role["RoleName"].lower()]
        self._state["role_policies"].pop(role["RoleName"].lower(), None)
        return {}

    def _ram_ListRoles(self, params, caller):
        roles = list(self._state["roles"].values())
        chunk, truncated, marker = page(roles, lambda r: (r["RoleName"].lower(), r["RoleId"]), params, 100, 1000)
        return paged({"Roles": {"Role": [self._role_view(r, with_document=False) for r in chunk]}}, truncated, marker)

    def _ram_AttachPolicyToRole(self, params, caller):
        policy = self._policy_params(params)
        role = self._role_param(params)
        store = self._state.setdefault("role_policies", {})
        # ASSUMPTION(A85): EntityAlreadyExists.Role.Policy (409) for a policy already attached and
        # EntityNotExist.Role.Policy (404) for one not attached: codes seen in third-party callers, statuses by pattern.
        try:
            self._attach(store, role["RoleName"].lower(), policy, MAX_POLICIES_PER_ROLE,
                         "EntityAlreadyExists.Role.Policy", "LimitExceeded.Role.Policy")
        except ApiFault as error:
            raise role_fault(error.code)
        return {}

    def _ram_DetachPolicyFromRole(self, params, caller):
        policy = self._policy_params(params)
        role = self._role_param(params)
        try:
            self._detach(self._state.setdefault("role_policies", {}), role["RoleName"].lower(), policy,
                         "EntityNotExist.Role.Policy")
        except ApiFault as error:
            raise role_fault(error.code)
        return {}

    def _ram_ListPoliciesForRole(self, params, caller):
        role = self._role_param(params)
        return self._attached_view(self._state.setdefault("role_policies", {}), role["RoleName"].lower())
