# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""User tags (IMS only): TagResources, UntagResources, ListTagResources, and the tag rules CreateUser uses too."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from .common import fault, invalid, invalid_chars, missing, only_one_of, page, paged, too_long


def check_tag(key, value):
    # ASSUMPTION(A17): the tag rules are documented, their error codes are not.
    if not 1 <= len(key) <= 128:
        raise too_long("Tag.Key")
    lowered = key.lower()
    if lowered.startswith("acs:") or lowered.startswith("aliyun") or "http://" in lowered or "https://" in lowered:
        raise invalid_chars("Tag.Key")
    if len(value) > 128:
        raise too_long("Tag.Value")
    lowered = value.lower()
    if lowered.startswith("acs:") or "http://" in lowered or "https://" in lowered:
        raise invalid_chars("Tag.Value")


def filter_by_tags(users, params):
    """The users carrying every ``Tag.N`` of the request (a Tag.N.Value left empty matches any value)."""
    wanted = params.tags()
    if not wanted:
        return users
    return [user for user in users
            if all(key in user["Tags"] and (value == "" or user["Tags"][key] == value) for key, value in wanted)]


class Tags:
    """The tag handlers (a mixin of RamBackend)."""

    def _tag_targets(self, params, required):
        if params.text("ResourceType", required=True) != "user":
            raise invalid("ResourceType")
        names = params.indexed("ResourcePrincipalName")
        ids = params.indexed("ResourceId")
        if names and ids:
            raise only_one_of(("ResourcePrincipalName", "ResourceId"))
        if not names and not ids:
            if required:
                raise missing("ResourcePrincipalName")
            return None
        if len(names) + len(ids) > 50:
            # ASSUMPTION(A39): more than 50 resources is InvalidParameter.ResourceId, more than 20 tags
            # InvalidParameter.Tag; ListTagResources answers TagResources.TagResource[] (wrapping unverified).
            raise invalid("ResourceId")
        users = [self._user_by_upn(name, "ResourcePrincipalName") for name in names]
        for uid in ids:
            if self._user_by_id(uid) is None:
                raise fault("EntityNotExist.User")
            users.append(self._state["users"][uid])
        return users

    def _ims_TagResources(self, params, caller):
        users = self._tag_targets(params, required=True)
        tags = params.tags()
        if not tags:
            raise missing("Tag.1.Key")
        if len(tags) > self.settings.MAX_TAGS_PER_USER:
            raise invalid("Tag")
        for key, value in tags:
            check_tag(key, value)
        for user in users:
            merged = dict(user["Tags"])
            merged.update(tags)
            if len(merged) > self.settings.MAX_TAGS_PER_USER:
                raise fault("LimitExceeded.User.Tag")
        for user in users:
            user["Tags"].update(tags)
            user["UpdateDate"] = self._now()
        return {}

    def _ims_UntagResources(self, params, caller):
        users = self._tag_targets(params, required=True)
        remove_all = params.boolean("All", False)
        keys = params.indexed("TagKey")
        if not keys and not remove_all:
            raise missing("TagKey.1")
        if len(keys) > self.settings.MAX_TAGS_PER_USER:
            raise invalid("TagKey")
        for user in users:
            if remove_all:
                user["Tags"].clear()
            for key in keys:
                user["Tags"].pop(key, None)
            user["UpdateDate"] = self._now()
        return {}

    def _ims_ListTagResources(self, params, caller):
        users = self._tag_targets(params, required=False)
        if users is None:
            users = self._visible_users()
        users = filter_by_tags(users, params)
        rows = [(user["UserName"].lower(), user["UserId"], key, value)
                for user in users for key, value in user["Tags"].items()]
        chunk, truncated, token = page(rows, lambda row: (row[0], row[1], row[2]), params, 100, 100,
                                       marker_field="NextToken", size_field="PageSize")
        entries = [{"ResourceType": "user", "ResourceId": row[1], "TagKey": row[2], "TagValue": row[3]} for row in chunk]
        return paged({"TagResources": {"TagResource": entries}}, truncated, token, token_field="NextToken")
