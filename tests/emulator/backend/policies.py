# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Policies (RAM only): the system policies every account has, custom policies, and their attachment to users and groups."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re

from .common import ApiFault, check_length, check_name, fault, invalid, page, paged, too_long
from .twins import by_user_name

POLICY_NAME_RE = re.compile(r"[A-Za-z0-9-]+")
# CreatePolicy PolicyDocument: 1-6,144 characters (RAM SDK 1.3.0 comment, Dec 2025 limits page).
MAX_POLICY_DOCUMENT = 6144
# Versions per custom policy (RAM limits page; fact sheet part 2, section 3.1). Version IDs look like v3.
MAX_POLICY_VERSIONS = 5
VERSION_ID_RE = re.compile(r"v[0-9]+")

# System policies every account has. Descriptions and documents are this emulator's own wording.
# ASSUMPTION(A13): these 14 names stand for Alibaba's system policies (a subset); their documents are simplified.
# Every account starts with the roles admin and EcsRamRoleDemo (account.SEED_ROLES).
SYSTEM_POLICIES = (
    ("AdministratorAccess", "Full access to all Alibaba Cloud resources.", "*"),
    ("ReadOnlyAccess", "Read-only access to all Alibaba Cloud resources.", ["*:Describe*", "*:List*", "*:Get*", "*:Query*"]),
    ("AliyunRAMFullAccess", "Full access to Resource Access Management (RAM).", "ram:*"),
    ("AliyunRAMReadOnlyAccess", "Read-only access to Resource Access Management (RAM).", ["ram:Get*", "ram:List*"]),
    ("AliyunECSFullAccess", "Full access to Elastic Compute Service (ECS).", "ecs:*"),
    ("AliyunECSReadOnlyAccess", "Read-only access to Elastic Compute Service (ECS).", ["ecs:Describe*", "ecs:List*"]),
    ("AliyunOSSFullAccess", "Full access to Object Storage Service (OSS).", "oss:*"),
    ("AliyunOSSReadOnlyAccess", "Read-only access to Object Storage Service (OSS).", ["oss:Get*", "oss:List*"]),
    ("AliyunVPCReadOnlyAccess", "Read-only access to Virtual Private Cloud (VPC).", ["vpc:Describe*", "vpc:Get*"]),
    ("AliyunLogReadOnlyAccess", "Read-only access to Log Service.", ["log:Get*", "log:List*"]),
    ("AliyunSLBReadOnlyAccess", "Read-only access to Server Load Balancer (SLB).", ["slb:Describe*"]),
    ("AliyunRDSReadOnlyAccess", "Read-only access to ApsaraDB RDS.", ["rds:Describe*"]),
    ("AliyunActionTrailFullAccess", "Full access to ActionTrail.", "actiontrail:*"),
    ("AliyunSTSAssumeRoleAccess", "Permission to call STS AssumeRole.", "sts:AssumeRole"),
)
SYSTEM_POLICY_DATE = "2015-04-28T16:00:00Z"


def _system_policy_table():
    policies = {}
    for name, description, actions in SYSTEM_POLICIES:
        document = json.dumps({"Version": "1", "Statement": [{"Action": actions, "Effect": "Allow", "Resource": "*"}]})
        policies[name] = {"PolicyName": name, "PolicyType": "System", "Description": description,
                          "DefaultVersion": "v1", "CreateDate": SYSTEM_POLICY_DATE, "UpdateDate": SYSTEM_POLICY_DATE,
                          "PolicyDocument": document}
    return policies


# PolicyName -> policy, as custom policies are kept in the state. Read only: handlers copy what they answer.
SYSTEM_POLICY_TABLE = _system_policy_table()


class Policies:
    """The policy handlers (a mixin of RamBackend)."""

    # ----------------------------------------------------------------- lookups and views

    def _policy_params(self, params):
        name = params.text("PolicyName", required=True)
        check_name(name, "PolicyName", 128, POLICY_NAME_RE)
        policy_type = params.text("PolicyType", required=True)
        if policy_type not in ("System", "Custom"):
            raise invalid("PolicyType")
        return self._policy(name, policy_type)

    def _policy(self, name, policy_type):
        if policy_type == "System":
            policy = SYSTEM_POLICY_TABLE.get(name)
        else:
            policy = self._state["custom_policies"].get(name)
        if policy is None:
            raise fault("EntityNotExist.Policy")
        return policy

    def _attachment_count(self, policy):
        count = 0
        for attachments in (list(self._state["user_policies"].values()) + list(self._state["group_policies"].values())
                            + list(self._state.get("role_policies", {}).values())):
            count += sum(1 for a in attachments
                         if a["PolicyName"] == policy["PolicyName"] and a["PolicyType"] == policy["PolicyType"])
        return count

    def _policy_view(self, policy, fields):
        view = dict((field, policy[field]) for field in fields if field in policy)
        if "AttachmentCount" in fields:
            view["AttachmentCount"] = self._attachment_count(policy)
        return view

    # ----------------------------------------------------------------- attachments

    def _attach(self, store, owner_id, policy, limits, exists_code, limit_code):
        attachments = store.setdefault(owner_id, [])
        for attachment in attachments:
            if attachment["PolicyName"] == policy["PolicyName"] and attachment["PolicyType"] == policy["PolicyType"]:
                raise fault(exists_code)
        if sum(1 for a in attachments if a["PolicyType"] == policy["PolicyType"]) >= limits[policy["PolicyType"]]:
            raise fault(limit_code)
        attachments.append({"PolicyName": policy["PolicyName"], "PolicyType": policy["PolicyType"],
                            "AttachDate": self._now()})

    @staticmethod
    def _detach(store, owner_id, policy, missing_code):
        attachments = store.get(owner_id, [])
        for attachment in attachments:
            if attachment["PolicyName"] == policy["PolicyName"] and attachment["PolicyType"] == policy["PolicyType"]:
                attachments.remove(attachment)
                return
        raise fault(missing_code)

    def _attached_view(self, store, owner_id):
        entries = []
        for attachment in store.get(owner_id, []):
            policy = self._policy(attachment["PolicyName"], attachment["PolicyType"])
            entry = self._policy_view(policy, ("PolicyName", "PolicyType", "Description", "DefaultVersion"))
            entry["AttachDate"] = attachment["AttachDate"]
            entries.append(entry)
        return {"Policies": {"Policy": entries}}

    def _ram_AttachPolicyToUser(self, params, caller):
        policy = self._policy_params(params)
        user = by_user_name(self, params, caller)
        self._attach(self._state["user_policies"], user["UserId"], policy, self.settings.MAX_POLICIES_PER_USER,
                     "EntityAlreadyExists.User.Policy", "LimitExceeded.User.Policy")
        return {}

    def _ram_DetachPolicyFromUser(self, params, caller):
        policy = self._policy_params(params)
        user = by_user_name(self, params, caller)
        self._detach(self._state["user_policies"], user["UserId"], policy, "EntityNotExist.User.Policy")
        return {}

    def _ram_ListPoliciesForUser(self, params, caller):
        return self._attached_view(self._state["user_policies"], by_user_name(self, params, caller)["UserId"])

    def _ram_AttachPolicyToGroup(self, params, caller):
        policy = self._policy_params(params)
        group = self._group_param(params)
        self._attach(self._state["group_policies"], group["GroupId"], policy, self.settings.MAX_POLICIES_PER_GROUP,
                     "EntityAlreadyExists.Group.Policy", "LimitExceeded.Group.Policy")
        return {}

    def _ram_DetachPolicyFromGroup(self, params, caller):
        policy = self._policy_params(params)
        group = self._group_param(params)
        self._detach(self._state["group_policies"], group["GroupId"], policy, "EntityNotExist.Group.Policy")
        return {}

    def _ram_ListPoliciesForGroup(self, params, caller):
        return self._attached_view(self._state["group_policies"], self._group_param(params)["GroupId"])

    # ----------------------------------------------------------------- custom policies

    def _ram_CreatePolicy(self, params, caller):
        name = params.text("PolicyName", required=True)
        check_name(name, "PolicyName", 128, POLICY_NAME_RE)
        document = params.text("PolicyDocument", required=True)
        if len(document) > MAX_POLICY_DOCUMENT:
            raise too_long("PolicyDocument")
        description = params.text("Description") or ""
        check_length(description, "Description", 1024)
        try:
            parsed = json.loads(document)
        except ValueError:
            parsed = None
        # ASSUMPTION(A47): a document is checked only for being a JSON object with a Statement list
        # (MalformedPolicyDocument otherwise); a custom policy cannot take a system policy's name
        # (EntityAlreadyExists.Policy). The first version is v1 (documented); later versions: see A80.
        self._check_document(parsed)
        if name in SYSTEM_POLICY_TABLE or name in self._state["custom_policies"]:
            raise fault("EntityAlreadyExists.Policy")
        if len(self._state["custom_policies"]) >= self.settings.MAX_CUSTOM_POLICIES:
            raise fault("LimitExceeded.Policy")
        now = self._now()
        policy = {"PolicyName": name, "PolicyType": "Custom", "Description": description, "DefaultVersion": "v1",
                  "CreateDate": now, "UpdateDate": now, "PolicyDocument": document,
                  "Versions": [{"VersionId": "v1", "PolicyDocument": document, "CreateDate": now}], "LastVersion": 1}
        self._state["custom_policies"][name] = policy
        return {"Policy": self._policy_view(policy, ("PolicyName", "PolicyType", "Description", "DefaultVersion",
                                                     "CreateDate"))}

    def _ram_GetPolicy(self, params, caller):
        policy = self._policy_params(params)
        view = self._policy_view(policy, ("PolicyName", "PolicyType", "Description", "DefaultVersion", "CreateDate",
                                          "UpdateDate", "AttachmentCount", "PolicyDocument"))
        default = self._version(policy, policy["DefaultVersion"])
        return {"Policy": view,
                "DefaultPolicyVersion": {"VersionId": policy["DefaultVersion"], "IsDefaultVersion": True,
                                         "PolicyDocument": default["PolicyDocument"], "CreateDate": default["CreateDate"]}}

    def _ram_DeletePolicy(self, params, caller):
        name = params.text("PolicyName", required=True)
        check_name(name, "PolicyName", 128, POLICY_NAME_RE)
        if name in SYSTEM_POLICY_TABLE:
            # ASSUMPTION(A48): deleting a system policy is refused as NoPermission.
            raise fault("NoPermission")
        policy = self._policy(name, "Custom")
        for store, code in ((self._state["user_policies"], "DeleteConflict.Policy.User"),
                            (self._state["group_policies"], "DeleteConflict.Policy.Group")):
            if any(a["PolicyName"] == name and a["PolicyType"] == "Custom"
                   for attachments in store.values() for a in attachments):
                raise fault(code)
        if any(a["PolicyName"] == name and a["PolicyType"] == "Custom"
               for attachments in self._state.setdefault("role_policies", {}).values() for a in attachments):
            # ASSUMPTION(A81): a policy attached to a role cannot be deleted either; no source names the code
            # (fact sheet part 2, section 3.6), so the emulator answers 409 DeleteConflict.Policy.Role.
            raise ApiFault("DeleteConflict.Policy.Role", 409,
                           "The policy CAN NOT been attached to any role while deleting the policy.")
        cascade = params.boolean("CascadingDelete", False)
        if len(self._versions(policy)) > 1:
            if not cascade:
                # DeletePolicy refuses while non-default versions exist (fact sheet part 2, section 3.6)
                raise fault("DeleteConflict.Policy.Version")
        del self._state["custom_policies"][policy["PolicyName"]]
        return {}

    def _ram_ListPolicies(self, params, caller):
        policy_type = params.text("PolicyType")
        if policy_type not in (None, "", "System", "Custom"):
            raise invalid("PolicyType")
        policies = list(SYSTEM_POLICY_TABLE.values()) + list(self._state["custom_policies"].values())
        if policy_type:
            policies = [p for p in policies if p["PolicyType"] == policy_type]
        chunk, truncated, marker = page(policies, lambda p: (p["PolicyType"], p["PolicyName"]), params, 100, 1000)
        fields = ("PolicyName", "PolicyType", "Description", "DefaultVersion", "CreateDate", "UpdateDate", "AttachmentCount")
        return paged({"Policies": {"Policy": [self._policy_view(p, fields) for p in chunk]}}, truncated, marker)

    # ----------------------------------------------------------------- policy versions

    @staticmethod
    def _check_document(parsed):
        if not isinstance(parsed, dict) or not isinstance(parsed.get("Statement"), list):
            raise ApiFault("MalformedPolicyDocument", 400, "The policy document is not a JSON object with a Statement list.")

    def _parsed_document(self, params):
        document = params.text("PolicyDocument", required=True)
        if len(document) > MAX_POLICY_DOCUMENT:
            raise too_long("PolicyDocument")
        try:
            parsed = json.loads(document)
        except ValueError:
            parsed = None
        self._check_document(parsed)
        return document

    @staticmethod
    def _versions(policy):
        """A policy's versions, oldest first; a system policy (or a custom one saved before versions) has v1 only."""
        if "Versions" not in policy:
            return [{"VersionId": policy["DefaultVersion"], "PolicyDocument": policy["PolicyDocument"],
                     "CreateDate": policy["CreateDate"]}]
        return policy["Versions"]

    def _version(self, policy, version_id):
        for version in self._versions(policy):
            if version["VersionId"] == version_id:
                return version
        raise fault("EntityNotExist.Policy.Version")

    def _version_view(self, policy, version):
        return {"VersionId": version["VersionId"], "IsDefaultVersion": version["VersionId"] == policy["DefaultVersion"],
                "PolicyDocument": version["PolicyDocument"], "CreateDate": version["CreateDate"]}

    def _custom_policy_param(self, params):
        name = params.text("PolicyName", required=True)
        check_name(name, "PolicyName", 128, POLICY_NAME_RE)
        policy = self._state["custom_policies"].get(name)
        if policy is None:
            raise fault("EntityNotExist.Policy")
        if "Versions" not in policy:
            policy["Versions"] = [dict(v) for v in self._versions(policy)]
            policy["LastVersion"] = int(policy["DefaultVersion"][1:])
        return policy

    @staticmethod
    def _version_id_param(params):
        version_id = params.text("VersionId", required=True)
        if not VERSION_ID_RE.fullmatch(version_id):
            raise ApiFault("InvalidParameter.VersionId.Format", 400, 'The format of the parameter - "VersionId" is incorrect.')
        return version_id

    def _ram_ListPolicyVersions(self, params, caller):
        policy = self._policy_params(params)
        return {"PolicyVersions": {"PolicyVersion": [self._version_view(policy, v) for v in self._versions(policy)]}}

    def _ram_GetPolicyVersion(self, params, caller):
        policy = self._policy_params(params)
        version = self._version(policy, self._version_id_param(params))
        return {"PolicyVersion": self._version_view(policy, version)}

    def _ram_CreatePolicyVersion(self, params, caller):
        policy = self._custom_policy_param(params)
        document = self._parsed_document(params)
        set_default = params.boolean("SetAsDefault", False)
        strategy = params.text("RotateStrategy") or "None"
        if strategy not in ("None", "DeleteOldestNonDefaultVersionWhenLimitExceeded"):
            raise invalid("RotateStrategy")
        versions = policy["Versions"]
        if len(versions) >= MAX_POLICY_VERSIONS:
            if strategy == "None":
                # 5 versions per custom policy; RotateStrategy None (the default) refuses the 6th
                # (fact sheet part 2, section 0 item 2 and section 3.7)
                raise ApiFault("LimitExceeded.Policy.Version", 409, "The count of policy version beyond the current limits.")
            oldest = [v for v in versions if v["VersionId"] != policy["DefaultVersion"]][0]
            versions.remove(oldest)
        # ASSUMPTION(A80): version IDs are never reused: a new version is v<highest ever + 1>, whatever was deleted.
        policy["LastVersion"] = policy.get("LastVersion", len(versions)) + 1
        now = self._now()
        version = {"VersionId": "v%d" % policy["LastVersion"], "PolicyDocument": document, "CreateDate": now}
        versions.append(version)
        if set_default:
            policy["DefaultVersion"] = version["VersionId"]
            policy["PolicyDocument"] = document
        policy["UpdateDate"] = now
        return {"PolicyVersion": self._version_view(policy, version)}

    def _ram_DeletePolicyVersion(self, params, caller):
        policy = self._custom_policy_param(params)
        version = self._version(policy, self._version_id_param(params))
        if version["VersionId"] == policy["DefaultVersion"]:
            raise ApiFault("DeleteConflict.Policy.Version.Default", 409,
                           "The default policy version CAN NOT been deleted directly.")
        policy["Versions"].remove(version)
        return {}

    def _ram_SetDefaultPolicyVersion(self, params, caller):
        policy = self._custom_policy_param(params)
        version = self._version(policy, self._version_id_param(params))
        policy["DefaultVersion"] = version["VersionId"]
        policy["PolicyDocument"] = version["PolicyDocument"]
        policy["UpdateDate"] = self._now()
        return {}

    def _ram_UpdatePolicyDescription(self, params, caller):
        # ASSUMPTION(A82): UpdatePolicyDescription has no documented errors; an unknown or system policy gives
        # 404 EntityNotExist.Policy and an empty or over-long NewDescription InvalidParameter.NewDescription.Length.
        policy = self._custom_policy_param(params)
        description = params.text("NewDescription") or ""
        check_length(description, "NewDescription", 1024, 1)
        policy["Description"] = description
        policy["UpdateDate"] = self._now()
        return {"Policy": self._policy_view(policy, ("PolicyName", "PolicyType", "Description", "DefaultVersion",
                                                     "CreateDate", "UpdateDate"))}

    def _ram_ListEntitiesForPolicy(self, params, caller):
        policy = self._policy_params(params)

        def holds(attachments):
            for attachment in attachments:
                if attachment["PolicyName"] == policy["PolicyName"] and attachment["PolicyType"] == policy["PolicyType"]:
                    return attachment
            return None
        users, groups, roles = [], [], []
        for user_id, attachments in sorted(self._state["user_policies"].items()):
            attachment = holds(attachments)
            user = self._user_by_id(user_id) if attachment else None
            if user is not None:
                users.append({"UserName": user["UserName"], "UserId": user["UserId"],
                              "DisplayName": user.get("DisplayName"), "AttachDate": attachment["AttachDate"]})
        for group_id, attachments in sorted(self._state["group_policies"].items()):
            attachment = holds(attachments)
            group = self._state["groups"].get(group_id) if attachment else None
            if group is not None:
                groups.append({"GroupName": group["GroupName"], "Comments": group.get("Comments", ""),
                               "AttachDate": attachment["AttachDate"]})
        for role_key, attachments in sorted(self._state.get("role_policies", {}).items()):
            attachment = holds(attachments)
            role = self._state["roles"].get(role_key) if attachment else None
            if role is not None:
                roles.append({"RoleName": role["RoleName"], "RoleId": role["RoleId"], "Arn": self._role_arn(role),
                              "Description": role.get("Description", ""), "AttachDate": attachment["AttachDate"]})
        return {"Users": {"User": users}, "Groups": {"Group": groups}, "Roles": {"Role": roles}}

    def _role_arn(self, role):
        return "acs:ram::%s:role/%s" % (self.account_id, role["RoleName"])
