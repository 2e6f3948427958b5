# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Groups and their members, in IMS and RAM.

Every action is declared once. IMS groups have a DisplayName and RAM groups do not (IMS_GROUPS / RAM_GROUPS);
IMS names members by UserPrincipalName, RAM by UserName. A few limits differ too (see each declaration).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from .common import check_length, check_name, fault, page, paged, random_string
from .twins import by_upn, by_user_name, twin

IMS_GROUPS = dict(with_display_name=True)
RAM_GROUPS = dict(with_display_name=False)


class Groups:
    """The group handlers (a mixin of RamBackend)."""

    # ----------------------------------------------------------------- views

    @staticmethod
    def _group_view(group, with_display_name):
        view = {"GroupId": group["GroupId"], "GroupName": group["GroupName"], "Comments": group["Comments"],
                "CreateDate": group["CreateDate"], "UpdateDate": group["UpdateDate"]}
        if with_display_name:
            view["DisplayName"] = group["DisplayName"]
        return view

    def _ims_member_view(self, user, joined):
        return {"UserId": user["UserId"], "UserPrincipalName": self._upn(user), "DisplayName": user["DisplayName"],
                "JoinDate": joined}

    def _ram_member_view(self, user, joined):
        return {"UserName": user["UserName"], "DisplayName": user["DisplayName"], "JoinDate": joined}

    # ----------------------------------------------------------------- groups

    # RAM's CreateGroup answer has no UpdateDate.
    @twin(ims=dict(IMS_GROUPS, with_update_date=True), ram=dict(RAM_GROUPS, with_update_date=False))
    def CreateGroup(self, params, caller, with_display_name, with_update_date):
        name = params.text("GroupName", required=True)
        check_name(name, "GroupName")
        display_name = params.text("DisplayName") if with_display_name else None
        if display_name is not None:
            check_length(display_name, "DisplayName", 24, 1)
        comments = params.text("Comments")
        if comments:
            check_length(comments, "Comments", 128)
        if self._group_by_name(name, include_pending=True) is not None:
            raise fault("EntityAlreadyExists.Group")
        if len(self._state["groups"]) >= self.settings.MAX_GROUPS:
            raise fault("LimitExceeded.Group")
        gid = "g-" + random_string(16)
        now = self._now()
        group = {"GroupId": gid, "GroupName": name, "DisplayName": display_name or "", "Comments": comments or "",
                 "CreateDate": now, "UpdateDate": now}
        self._state["groups"][gid] = group
        self._hide_new("group", gid)
        view = self._group_view(group, with_display_name)
        if not with_update_date:
            del view["UpdateDate"]
        return {"Group": view}

    @twin(ims=IMS_GROUPS, ram=RAM_GROUPS)
    def GetGroup(self, params, caller, with_display_name):
        return {"Group": self._group_view(self._group_param(params), with_display_name)}

    # IMS UpdateGroup: NewComments "maximum length 128" ("" clears); RAM UpdateGroup: 1-128 characters ("" refused).
    # SDK models/_update_group_request.py of each version.
    @twin(ims=dict(IMS_GROUPS, new_comments_min_length=0), ram=dict(RAM_GROUPS, new_comments_min_length=1))
    def UpdateGroup(self, params, caller, with_display_name, new_comments_min_length):
        group = self._group_param(params)
        new_name = params.text("NewGroupName")
        if new_name is not None:
            check_name(new_name, "NewGroupName")
        new_display_name = params.text("NewDisplayName") if with_display_name else None
        if new_display_name is not None:
            check_length(new_display_name, "NewDisplayName", 24, 1)
        new_comments = params.text("NewComments")
        if new_comments is not None:
            check_length(new_comments, "NewComments", 128, new_comments_min_length)
        if new_name is not None:
            other = self._group_by_name(new_name, include_pending=True)
            if other is not None and other["GroupId"] != group["GroupId"]:
                raise fault("EntityAlreadyExists.Group")
            group["GroupName"] = new_name
        if new_display_name is not None:
            group["DisplayName"] = new_display_name
        if new_comments is not None:
            group["Comments"] = new_comments
        group["UpdateDate"] = self._now()
        return {"Group": self._group_view(group, with_display_name)}

    @twin()
    def DeleteGroup(self, params, caller):
        gid = self._group_param(params)["GroupId"]
        if self._state["memberships"].get(gid):
            raise fault("DeleteConflict.Group.User")
        if self._state["group_policies"].get(gid):
            raise fault("DeleteConflict.Group.Policy")
        del self._state["groups"][gid]
        self._state["memberships"].pop(gid, None)
        self._state["group_policies"].pop(gid, None)
        return {}

    @twin(ims=IMS_GROUPS, ram=RAM_GROUPS)
    def ListGroups(self, params, caller, with_display_name):
        # MaxItems 1-100, default 100, in both versions (IMS and RAM SDK models/_list_groups_request.py).
        groups = [g for g in self._state["groups"].values() if self._visible("group", g["GroupId"])]
        chunk, truncated, marker = page(groups, lambda g: (g["GroupName"].lower(), g["GroupId"]), params, 100, 100)
        return paged({"Groups": {"Group": [self._group_view(g, with_display_name) for g in chunk]}}, truncated, marker)

    # ----------------------------------------------------------------- members

    @twin(ims=dict(find_user=by_upn), ram=dict(find_user=by_user_name))
    def AddUserToGroup(self, params, caller, find_user):
        group = self._group_param(params)
        user = find_user(self, params, caller)
        members = self._state["memberships"].setdefault(group["GroupId"], {})
        if user["UserId"] in members:
            raise fault("EntityAlreadyExists.User.Group")
        if len(self._group_ids_of(user["UserId"])) >= self.settings.MAX_GROUPS_PER_USER:
            raise fault("LimitExceeded.User.Group")
        members[user["UserId"]] = self._now()
        return {}

    @twin(ims=dict(find_user=by_upn), ram=dict(find_user=by_user_name))
    def RemoveUserFromGroup(self, params, caller, find_user):
        group = self._group_param(params)
        user = find_user(self, params, caller)
        members = self._state["memberships"].get(group["GroupId"], {})
        if user["UserId"] not in members:
            raise fault("EntityNotExist.User.Group")
        del members[user["UserId"]]
        return {}

    @twin(ims=dict(IMS_GROUPS, find_user=by_upn), ram=dict(RAM_GROUPS, find_user=by_user_name))
    def ListGroupsForUser(self, params, caller, find_user, with_display_name):
        user = find_user(self, params, caller)
        entries = []
        for gid in self._group_ids_of(user["UserId"]):
            group = self._state["groups"][gid]
            entry = {"GroupId": gid, "GroupName": group["GroupName"], "Comments": group["Comments"],
                     "JoinDate": self._state["memberships"][gid][user["UserId"]]}
            if with_display_name:
                entry["DisplayName"] = group["DisplayName"]
            entries.append(entry)
        entries.sort(key=lambda e: (e["JoinDate"], e["GroupName"].lower()))
        return {"Groups": {"Group": entries}}

    # MaxItems 1-100 in IMS, 1-1000 in RAM (default 100 in both).
    @twin(ims=dict(high_max=100, member_view=_ims_member_view), ram=dict(high_max=1000, member_view=_ram_member_view))
    def ListUsersForGroup(self, params, caller, high_max, member_view):
        group = self._group_param(params)
        # ASSUMPTION(A46): ListUsersForGroup lists frozen members too (it has no Status parameter).
        members = [(self._state["users"][uid], joined)
                   for uid, joined in self._state["memberships"].get(group["GroupId"], {}).items()]
        chunk, truncated, marker = page(members, lambda m: self._user_sort_key(m[0]), params, 100, high_max)
        return paged({"Users": {"User": [member_view(self, u, joined) for u, joined in chunk]}}, truncated, marker)
