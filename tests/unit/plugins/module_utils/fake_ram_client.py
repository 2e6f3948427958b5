# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""An in-memory RamClient stand-in for the user and group reconcilers' unit tests.

It keeps the RamClient method names and normalised result shapes, records every
call, and answers "not found" and conflicts the way the service does.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.aliyun.ram.plugins.module_utils.errors import RamApiError

DOMAIN = "corp.onaliyun.com"
READ_PREFIXES = ("get_", "list_")


def _conflict(code, action):
    return RamApiError(code, "conflict", request_id="REQ", http_status=409, action=action)


def _missing(code, action):
    return RamApiError(code, "does not exist", request_id="REQ", http_status=404, action=action)


class FakeRamClient:
    def __init__(self, site="cn", system_policies=("AliyunOSSReadOnlyAccess", "AliyunECSFullAccess", "ReadOnlyAccess")):
        self.site = site
        self.users = {}            # upn -> user dict (normalised keys)
        self.groups = {}           # name -> group dict
        self.members = set()       # (upn, group)
        self.user_policies = set()  # (user_name, type, name)
        self.group_policies = set()  # (group, type, name)
        self.known_policies = set(("System", name) for name in system_policies)
        self.login_profiles = {}
        self.access_keys = {}      # upn -> [ids]
        self.mfa = set()
        # another domain's UPN -> the UPN the user is reported under (a domain alias)
        self.aliases = {}
        self.calls = []
        self._next_id = 1000

    # --- test helpers ---------------------------------------------------------

    def record(self, method, **kwargs):
        self.calls.append((method, kwargs))

    def methods(self):
        return [method for method, _kwargs in self.calls]

    def writes(self):
        return [method for method in self.methods() if not method.startswith(READ_PREFIXES)]

    def reset_calls(self):
        self.calls = []

    def add_user(self, name, **fields):
        upn = name if "@" in name else "%s@%s" % (name, DOMAIN)
        self._next_id += 1
        user = {"user_id": str(self._next_id), "user_principal_name": upn, "user_name": upn.split("@")[0],
                "display_name": name.split("@")[0], "email": "", "mobile_phone": "", "comments": "",
                "create_date": "2024-01-01T00:00:00Z", "update_date": "2024-01-01T00:00:00Z",
                "last_login_date": None, "provision_type": "Manual", "tags": {}}
        user.update(fields)
        self.users[upn] = user
        return user

    def add_group(self, name, **fields):
        self._next_id += 1
        group = {"group_id": "g%d" % self._next_id, "group_name": name, "display_name": name, "comments": "",
                 "create_date": "2024-01-01T00:00:00Z", "update_date": "2024-01-01T00:00:00Z"}
        group.update(fields)
        self.groups[name] = group
        return group

    def _view(self, user):
        view = dict(user, tags=dict(user["tags"]))
        if self.site == "intl":
            view["email"] = None
            view["mobile_phone"] = None
        return view

    def _user(self, upn, action):
        upn = self.aliases.get(upn, upn)
        if upn not in self.users:
            raise _missing("EntityNotExist.User", action)
        return self.users[upn]

    def _by_user_name(self, user_name, action):
        for user in self.users.values():
            if user["user_name"] == user_name.split("@")[0]:
                return user
        raise _missing("EntityNotExist.User", action)

    # --- RamClient surface ----------------------------------------------------

    def get_default_domain(self):
        self.record("get_default_domain")
        return DOMAIN

    def upn_for(self, name):
        if not name or "@" in name:
            return name
        return "%s@%s" % (name, self.get_default_domain())

    def get_user(self, upn=None, user_id=None):
        self.record("get_user", upn=upn, user_id=user_id)
        if (upn is None) == (user_id is None):
            raise AssertionError("give exactly one of upn and user_id")
        upn = self.aliases.get(upn, upn)
        for user in self.users.values():
            if user["user_principal_name"] == upn or (user_id is not None and user["user_id"] == user_id):
                return self._view(user)
        return None

    def create_user(self, upn, display_name, email=None, mobile_phone=None, comments=None, tags=None):
        self.record("create_user", upn=upn, display_name=display_name, email=email, mobile_phone=mobile_phone,
                    comments=comments, tags=tags)
        if upn in self.users:
            raise _conflict("EntityAlreadyExists.User", "CreateUser")
        return self._view(self.add_user(upn, display_name=display_name, email=email or "", mobile_phone=mobile_phone or "",
                                        comments=comments or "", tags=dict(tags or {})))

    def update_user(self, upn=None, user_id=None, new_upn=None, new_display_name=None, new_email=None,
                    new_mobile_phone=None, new_comments=None):
        self.record("update_user", upn=upn, user_id=user_id, new_upn=new_upn, new_display_name=new_display_name,
                    new_email=new_email, new_mobile_phone=new_mobile_phone, new_comments=new_comments)
        user = self._user(upn, "UpdateUser")
        for field, value in (("display_name", new_display_name), ("email", new_email),
                             ("mobile_phone", new_mobile_phone), ("comments", new_comments)):
            if value is not None:
                user[field] = value
        if new_upn is not None and new_upn != upn:
            if new_upn in self.users:
                raise _conflict("EntityAlreadyExists.User", "UpdateUser")
            del self.users[upn]
            old_name = user["user_name"]
            user["user_principal_name"] = new_upn
            user["user_name"] = new_upn.split("@")[0]
            self.users[new_upn] = user
            self.members = set((new_upn if u == upn else u, g) for u, g in self.members)
            self.user_policies = set((user["user_name"] if n == old_name else n, t, p) for n, t, p in self.user_policies)
            for store in (self.login_profiles, self.access_keys):
                if upn in store:
                    store[new_upn] = store.pop(upn)
        return self._view(user)

    def delete_user(self, upn):
        self.record("delete_user", upn=upn)
        user = self._user(upn, "DeleteUser")
        if (upn in self.login_profiles or self.access_keys.get(upn) or upn in self.mfa
                or any(u == upn for u, _g in self.members) or any(n == user["user_name"] for n, _t, _p in self.user_policies)):
            raise _conflict("DeleteConflict.User", "DeleteUser")
        del self.users[upn]

    def list_users(self):
        self.record("list_users")
        return [self._view(u) for u in self.users.values()]

    def tag_user(self, upn, tags):
        self.record("tag_user", upn=upn, tags=dict(tags))
        self._user(upn, "TagResources")["tags"].update(tags)

    def untag_user(self, upn, keys):
        self.record("untag_user", upn=upn, keys=list(keys))
        user = self._user(upn, "UntagResources")
        for key in keys:
            user["tags"].pop(key, None)

    def list_groups_for_user(self, upn):
        self.record("list_groups_for_user", upn=upn)
        self._user(upn, "ListGroupsForUser")
        return [dict(self.groups[g], join_date="2024-01-02T00:00:00Z") for u, g in sorted(self.members) if u == upn]

    def add_user_to_group(self, upn, group_name):
        self.record("add_user_to_group", upn=upn, group_name=group_name)
        self._user(upn, "AddUserToGroup")
        if group_name not in self.groups:
            raise _missing("EntityNotExist.Group", "AddUserToGroup")
        if (upn, group_name) in self.members:
            raise _conflict("EntityAlreadyExists.User.Group", "AddUserToGroup")
        self.members.add((upn, group_name))

    def remove_user_from_group(self, upn, group_name):
        self.record("remove_user_from_group", upn=upn, group_name=group_name)
        if (upn, group_name) not in self.members:
            raise _missing("EntityNotExist.User.Group", "RemoveUserFromGroup")
        self.members.discard((upn, group_name))

    def list_policies_for_user(self, user_name):
        self.record("list_policies_for_user", user_name=user_name)
        user = self._by_user_name(user_name, "ListPoliciesForUser")
        return [{"policy_name": p, "policy_type": t, "description": "", "default_version": "v1", "attach_date": "x"}
                for n, t, p in sorted(self.user_policies) if n == user["user_name"]]

    def attach_policy_to_user(self, user_name, policy_name, policy_type):
        self.record("attach_policy_to_user", user_name=user_name, policy_name=policy_name, policy_type=policy_type)
        user = self._by_user_name(user_name, "AttachPolicyToUser")
        if (policy_type, policy_name) not in self.known_policies:
            raise _missing("EntityNotExist.Policy", "AttachPolicyToUser")
        key = (user["user_name"], policy_type, policy_name)
        if key in self.user_policies:
            raise _conflict("EntityAlreadyExists.User.Policy", "AttachPolicyToUser")
        self.user_policies.add(key)

    def detach_policy_from_user(self, user_name, policy_name, policy_type):
        self.record("detach_policy_from_user", user_name=user_name, policy_name=policy_name, policy_type=policy_type)
        key = (user_name.split("@")[0], policy_type, policy_name)
        if key not in self.user_policies:
            raise _missing("EntityNotExist.User.Policy", "DetachPolicyFromUser")
        self.user_policies.discard(key)

    def get_policy(self, policy_name, policy_type):
        self.record("get_policy", policy_name=policy_name, policy_type=policy_type)
        if (policy_type, policy_name) in self.known_policies:
            return {"policy_name": policy_name, "policy_type": policy_type, "description": "", "default_version": "v1",
                    "attach_date": None}
        return None

    def list_access_keys(self, upn):
        self.record("list_access_keys", upn=upn)
        return [{"access_key_id": key, "status": "Active", "create_date": None, "update_date": None}
                for key in self.access_keys.get(upn, [])]

    def delete_access_key(self, upn, access_key_id):
        self.record("delete_access_key", upn=upn, access_key_id=access_key_id)
        self.access_keys[upn].remove(access_key_id)

    def get_user_mfa_info(self, upn):
        self.record("get_user_mfa_info", upn=upn)
        if upn in self.mfa:
            return {"is_mfa_enabled": True, "serial_number": "acs:ram::1:mfa/%s" % upn, "device_type": "VMFA"}
        return None

    def unbind_mfa_device(self, upn):
        self.record("unbind_mfa_device", upn=upn)
        self.mfa.discard(upn)

    def get_login_profile(self, upn):
        self.record("get_login_profile", upn=upn)
        return self.login_profiles.get(upn)

    def delete_login_profile(self, upn):
        self.record("delete_login_profile", upn=upn)
        del self.login_profiles[upn]

    def get_group(self, group_name):
        self.record("get_group", group_name=group_name)
        group = self.groups.get(group_name)
        return dict(group) if group else None

    def create_group(self, group_name, display_name=None, comments=None):
        self.record("create_group", group_name=group_name, display_name=display_name, comments=comments)
        if group_name in self.groups:
            raise _conflict("EntityAlreadyExists.Group", "CreateGroup")
        return self.add_group(group_name, display_name=display_name or "", comments=comments or "")

    def update_group(self, group_name, new_group_name=None, new_display_name=None, new_comments=None):
        self.record("update_group", group_name=group_name, new_group_name=new_group_name, new_display_name=new_display_name,
                    new_comments=new_comments)
        group = self.groups[group_name]
        if new_display_name is not None:
            group["display_name"] = new_display_name
        if new_comments is not None:
            group["comments"] = new_comments
        if new_group_name is not None and new_group_name != group_name:
            if new_group_name in self.groups:
                raise _conflict("EntityAlreadyExists.Group", "UpdateGroup")
            group["group_name"] = new_group_name
            self.groups[new_group_name] = self.groups.pop(group_name)
            self.members = set((u, new_group_name if g == group_name else g) for u, g in self.members)
        return dict(group)

    def delete_group(self, group_name):
        self.record("delete_group", group_name=group_name)
        if any(g == group_name for _u, g in self.members) or any(g == group_name for g, _t, _p in self.group_policies):
            raise _conflict("DeleteConflict.Group", "DeleteGroup")
        del self.groups[group_name]

    def list_users_for_group(self, group_name):
        self.record("list_users_for_group", group_name=group_name)
        if group_name not in self.groups:
            raise _missing("EntityNotExist.Group", "ListUsersForGroup")
        return [dict(self._view(self.users[u]), join_date="x") for u, g in sorted(self.members) if g == group_name]

    def list_policies_for_group(self, group_name):
        self.record("list_policies_for_group", group_name=group_name)
        return [{"policy_name": p, "policy_type": t} for g, t, p in sorted(self.group_policies) if g == group_name]

    def detach_policy_from_group(self, group_name, policy_name, policy_type):
        self.record("detach_policy_from_group", group_name=group_name, policy_name=policy_name, policy_type=policy_type)
        self.group_policies.discard((group_name, policy_type, policy_name))
