# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Users: create, read, update, delete and list, in IMS (by UserPrincipalName) and RAM (by UserName).

GetUser and DeleteUser are declared once for both versions. CreateUser, UpdateUser and ListUsers keep one
handler per version because their rules differ (IMS's DisplayName is required and 1-24 characters, RAM's
UpdateUser clears a field sent empty, IMS lists filter by Status and Tag) and share the steps that do not.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from .common import ApiFault, bad_format, check_length, check_name, fault, invalid, page, paged, random_digits
from .tags import check_tag, filter_by_tags
from .twins import by_upn_or_user_id, by_upn_user_id_or_access_key, by_user_name, twin

EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
MOBILE_RE = re.compile(r"[0-9]{1,5}-[0-9]{4,20}")
# IMS ListUsers / ListUserBasicInfos Status values (IMS SDK models/_list_users_request.py): the user states they select.
USER_STATUS_FILTERS = {"active": ("active",), "freeze": ("freeze",), "active,freeze": ("active", "freeze")}


class Users:
    """The user handlers (a mixin of RamBackend; tags are in tags.py)."""

    # ----------------------------------------------------------------- views

    def _ims_user_view(self, user, detailed=False):
        """IMS's User object; ``detailed`` (GetUser, the people paths) adds UserName."""
        view = {"UserId": user["UserId"], "UserPrincipalName": self._upn(user), "DisplayName": user["DisplayName"],
                "Comments": user["Comments"], "CreateDate": user["CreateDate"], "UpdateDate": user["UpdateDate"],
                "LastLoginDate": user["LastLoginDate"], "ProvisionType": user["ProvisionType"]}
        if detailed:
            view["UserName"] = user["UserName"]
        return self._tags_view(user, self._contact_fields(user, view))

    def _ram_user_view(self, user, detailed=False):
        """RAM's User object; ``detailed`` (GetUser) adds LastLoginDate."""
        view = {"UserId": user["UserId"], "UserName": user["UserName"], "DisplayName": user["DisplayName"],
                "Comments": user["Comments"], "CreateDate": user["CreateDate"], "UpdateDate": user["UpdateDate"]}
        if detailed:
            view["LastLoginDate"] = user["LastLoginDate"]
        return self._contact_fields(user, view)

    def _contact_fields(self, user, view):
        if self.site != "intl":
            view["Email"] = user["Email"]
            view["MobilePhone"] = user["MobilePhone"]
        return view

    @staticmethod
    def _tags_view(user, view):
        # ASSUMPTION(A29): the Tags object is omitted when the user has no tag.
        if user["Tags"]:
            view["Tags"] = {"Tag": [{"TagKey": k, "TagValue": v} for k, v in user["Tags"].items()]}
        return view

    # ----------------------------------------------------------------- steps both versions take

    @staticmethod
    def _check_contacts(email, mobile, prefix="", empty_clears=False):
        """Validate e-mail and mobile phone values that were sent (None: not sent).

        An empty value is a value like any other and fails the format check, unless ``empty_clears``.
        ASSUMPTION(A30): the documents give no rule for an empty Email/MobilePhone; treated as malformed.
        """
        if email is not None and not (empty_clears and email == ""):
            if len(email) > 128 or not EMAIL_RE.fullmatch(email):
                raise bad_format(prefix + "Email")
        if mobile is not None and not (empty_clears and mobile == ""):
            if not MOBILE_RE.fullmatch(mobile):
                raise bad_format(prefix + "MobilePhone")

    def _create_user(self, params, name, display_name, with_tags):
        """Check Comments, Email, MobilePhone (and the tags), then create the user (hidden while a visibility delay runs)."""
        comments = params.text("Comments")
        if comments is not None:
            # Comments is 1-128 characters (IMS and RAM SDK models): a Comments parameter sent empty is refused.
            check_length(comments, "Comments", 128, 1)
        email, mobile = params.text("Email"), params.text("MobilePhone")
        self._check_contacts(email, mobile)
        tags = params.tags() if with_tags else []
        for key, value in tags:
            check_tag(key, value)
        if len(dict(tags)) > self.settings.MAX_TAGS_PER_USER:
            raise fault("LimitExceeded.User.Tag")
        if self._user_by_name(name, include_pending=True) is not None:
            raise fault("EntityAlreadyExists.User")
        if len(self._state["users"]) >= self.settings.MAX_USERS:
            raise fault("LimitExceeded.User")
        uid = random_digits(17)
        while uid in self._state["users"]:
            uid = random_digits(17)
        now = self._now()
        # ASSUMPTION(A31): on the international site Email and MobilePhone are accepted and ignored.
        keep_contacts = self.site != "intl"
        user = {"UserId": uid, "UserName": name, "DisplayName": display_name or "",
                "Email": (email or "") if keep_contacts else "", "MobilePhone": (mobile or "") if keep_contacts else "",
                "Comments": comments or "", "CreateDate": now, "UpdateDate": now, "LastLoginDate": "",
                "ProvisionType": "Manual", "Tags": dict(tags), "Status": "active"}
        self._state["users"][uid] = user
        self._hide_new("user", uid)
        return user

    def _update_user(self, user, new_name, new_display_name, new_comments, new_email, new_mobile):
        """Apply the checked new values (None: not sent) and set UpdateDate."""
        if new_name is not None:
            other = self._user_by_name(new_name, include_pending=True)
            if other is not None and other["UserId"] != user["UserId"]:
                raise fault("EntityAlreadyExists.User")
            user["UserName"] = new_name
        if new_display_name is not None:
            user["DisplayName"] = new_display_name
        if new_comments is not None:
            user["Comments"] = new_comments
        if self.site != "intl":
            if new_email is not None:
                user["Email"] = new_email
            if new_mobile is not None:
                user["MobilePhone"] = new_mobile
        user["UpdateDate"] = self._now()

    def _users_in_states(self, states):
        return [user for user in self._visible_users() if self._user_status(user) in states]

    # ----------------------------------------------------------------- both versions

    @twin(ims=dict(find_user=by_upn_user_id_or_access_key, view=_ims_user_view),
          ram=dict(find_user=by_user_name, view=_ram_user_view))
    def GetUser(self, params, caller, find_user, view):
        # ASSUMPTION(A35): GetUser (IMS and RAM) returns a frozen user like any other; nothing documents freeze here,
        # and the GetUser models have no Status field.
        return {"User": view(self, find_user(self, params, caller), detailed=True)}

    @twin(ims=dict(find_user=by_upn_or_user_id), ram=dict(find_user=by_user_name))
    def DeleteUser(self, params, caller, find_user):
        user = find_user(self, params, caller)
        uid = user["UserId"]
        # ASSUMPTION(A32): the service checks in the order of DeleteUser's documented error table.
        if self._group_ids_of(uid):
            raise fault("DeleteConflict.User.Group")
        if self._keys_of(uid):
            raise fault("DeleteConflict.User.AccessKey")
        if uid in self._state["login_profiles"]:
            raise fault("DeleteConflict.User.LoginProfile")
        if self._mfa_of(uid) is not None:
            raise fault("DeleteConflict.User.MFADevice")
        if self._state["user_policies"].get(uid):
            raise fault("DeleteConflict.User.Policy")
        del self._state["users"][uid]
        self._state["user_policies"].pop(uid, None)
        return {}

    # ----------------------------------------------------------------- IMS

    def _ims_CreateUser(self, params, caller):
        upn = params.text("UserPrincipalName", required=True)
        name = self._split_upn(upn, "UserPrincipalName", lookup=False)
        display_name = params.text("DisplayName", required=True)
        check_length(display_name, "DisplayName", 24, 1)
        user = self._create_user(params, name, display_name, with_tags=True)
        return {"User": self._ims_user_view(user)}

    def _ims_UpdateUser(self, params, caller):
        user = by_upn_or_user_id(self, params, caller)
        new_upn = params.text("NewUserPrincipalName")
        new_name = self._split_upn(new_upn, "NewUserPrincipalName", lookup=False) if new_upn else None
        new_display_name = params.text("NewDisplayName")
        if new_display_name is not None:
            check_length(new_display_name, "NewDisplayName", 24, 1)
        new_comments = params.text("NewComments")
        if new_comments is not None:
            # ASSUMPTION(A36): IMS UpdateUser follows its document (NewComments 1-128 characters): "" is refused, so
            # IMS cannot clear a field. The evidence that "" clears is for RAM 2015-05-01 only (_ram_UpdateUser).
            check_length(new_comments, "NewComments", 128, 1)
        new_email, new_mobile = params.text("NewEmail"), params.text("NewMobilePhone")
        self._check_contacts(new_email, new_mobile, prefix="New")
        self._update_user(user, new_name, new_display_name, new_comments, new_email, new_mobile)
        return {"User": self._ims_user_view(user)}

    def _status_filter(self, params, tag_excludes_status):
        """The user states an IMS list selects: Status given, or "active"; a Tag filter selects both.

        ``tag_excludes_status``: ListUserBasicInfos documents that Tag and Status cannot both be given.
        """
        status = params.text("Status")
        if status and status not in USER_STATUS_FILTERS:
            # ASSUMPTION(A33): undocumented code for a Status outside active, freeze, active,freeze (exact spellings).
            raise invalid("Status")
        if params.tags():
            if status and tag_excludes_status:
                # ASSUMPTION(A34): undocumented code for Tag and Status given together on ListUserBasicInfos.
                raise ApiFault("InvalidParameter.Status", 400,
                               'The parameter - "Status" cannot be specified together with "Tag".')
            return USER_STATUS_FILTERS["active,freeze"]
        return USER_STATUS_FILTERS[status or "active"]

    def _ims_ListUsers(self, params, caller):
        states = self._status_filter(params, tag_excludes_status=False)
        users = filter_by_tags(self._users_in_states(states), params)
        chunk, truncated, marker = page(users, self._user_sort_key, params, 1000, 1000)
        entries = []
        for user in chunk:
            view = self._ims_user_view(user)
            view["Status"] = self._user_status(user)
            entries.append(view)
        return paged({"Users": {"User": entries}}, truncated, marker)

    def _ims_ListUserBasicInfos(self, params, caller):
        states = self._status_filter(params, tag_excludes_status=True)
        users = filter_by_tags(self._users_in_states(states), params)
        chunk, truncated, marker = page(users, self._user_sort_key, params, 100, 1000)
        entries = [{"UserId": u["UserId"], "UserPrincipalName": self._upn(u), "DisplayName": u["DisplayName"],
                    "Status": self._user_status(u)} for u in chunk]
        return paged({"UserBasicInfos": {"UserBasicInfo": entries}}, truncated, marker)

    def _ims_GetDefaultDomain(self, params, caller):
        return {"DefaultDomainName": self.default_domain}

    # ----------------------------------------------------------------- RAM

    def _ram_CreateUser(self, params, caller):
        name = params.text("UserName", required=True)
        check_name(name, "UserName")
        display_name = params.text("DisplayName")
        if display_name is not None:
            check_length(display_name, "DisplayName", 128, 1)
        user = self._create_user(params, name, display_name, with_tags=False)
        view = self._ram_user_view(user)
        del view["UpdateDate"]
        return {"User": view}

    def _ram_UpdateUser(self, params, caller):
        user = by_user_name(self, params, caller)
        new_name = params.text("NewUserName")
        if new_name is not None:
            check_name(new_name, "NewUserName")
        # ASSUMPTION(A37): against the documents (NewDisplayName and NewComments 1-128 characters), an empty NewDisplayName,
        # NewComments, NewEmail or NewMobilePhone clears the field: Alibaba's own Terraform provider sends ""
        # to RAM 2015-05-01 UpdateUser for a removed attribute and its acceptance test expects the field gone
        # (aliyun/terraform-provider-alicloud b188fddce, alicloud/resource_alicloud_ram_user{,_test}.go).
        new_display_name = params.text("NewDisplayName")
        if new_display_name:
            check_length(new_display_name, "NewDisplayName", 128, 1)
        new_comments = params.text("NewComments")
        if new_comments:
            check_length(new_comments, "NewComments", 128)
        new_email, new_mobile = params.text("NewEmail"), params.text("NewMobilePhone")
        self._check_contacts(new_email, new_mobile, prefix="New", empty_clears=True)
        self._update_user(user, new_name, new_display_name, new_comments, new_email, new_mobile)
        return {"User": self._ram_user_view(user)}

    def _ram_ListUsers(self, params, caller):
        # ASSUMPTION(A38): RAM 2015-05-01 ListUsers has no Status parameter (RAM SDK model; one sent is ignored) and
        # lists what IMS ListUsers lists by default: active users only, frozen users hidden (one backend).
        users = self._users_in_states(USER_STATUS_FILTERS["active"])
        chunk, truncated, marker = page(users, self._user_sort_key, params, 100, 1000)
        return paged({"Users": {"User": [self._ram_user_view(u) for u in chunk]}}, truncated, marker)
