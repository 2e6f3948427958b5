# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A user's AccessKeys, in IMS and RAM.

Each action is declared once: the versions differ only in how they name the user (a caller that names no
user acts on itself) and in RAM's ListAccessKeys leaving out UpdateDate. The secret is shown once, by
CreateAccessKey; the gateway verifies signatures with it through Account.lookup_access_key.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from .common import fault, invalid, random_string
from .twins import by_upn_or_caller, by_user_name_or_caller, twin

IMS_KEYS = dict(find_user=by_upn_or_caller)
RAM_KEYS = dict(find_user=by_user_name_or_caller)


class AccessKeys:
    """The AccessKey handlers (a mixin of RamBackend)."""

    def _key_of_user(self, user, akid):
        key = self._state["access_keys"].get(akid)
        if key is None or key["UserId"] != user["UserId"]:
            raise fault("EntityNotExist.User.AccessKey")
        return key

    @twin(ims=IMS_KEYS, ram=RAM_KEYS)
    def CreateAccessKey(self, params, caller, find_user):
        user = find_user(self, params, caller)
        if len(self._keys_of(user["UserId"])) >= self.settings.MAX_ACCESS_KEYS_PER_USER:
            raise fault("LimitExceeded.User.AccessKey")
        akid = "LTAI5t" + random_string(18)
        now = self._now()
        key = {"AccessKeyId": akid, "UserId": user["UserId"], "Status": "Active", "CreateDate": now, "UpdateDate": now,
               "secret": random_string(30)}
        self._state["access_keys"][akid] = key
        return {"AccessKey": {"AccessKeyId": key["AccessKeyId"], "AccessKeySecret": key["secret"],
                              "Status": key["Status"], "CreateDate": key["CreateDate"]}}

    @twin(ims=dict(IMS_KEYS, fields=("AccessKeyId", "Status", "CreateDate", "UpdateDate")),
          ram=dict(RAM_KEYS, fields=("AccessKeyId", "Status", "CreateDate")))
    def ListAccessKeys(self, params, caller, find_user, fields):
        keys = sorted(self._keys_of(find_user(self, params, caller)["UserId"]), key=lambda k: k["CreateDate"])
        return {"AccessKeys": {"AccessKey": [dict((f, k[f]) for f in fields) for k in keys]}}

    # UpdateAccessKey and DeleteAccessKey check their own parameters before they look the user up: a missing
    # UserAccessKeyId is reported first, as by the API.

    @twin(ims=IMS_KEYS, ram=RAM_KEYS)
    def UpdateAccessKey(self, params, caller, find_user):
        akid = params.text("UserAccessKeyId", required=True)
        status = params.text("Status", required=True)
        if status not in ("Active", "Inactive"):
            raise invalid("Status")
        key = self._key_of_user(find_user(self, params, caller), akid)
        key["Status"] = status
        key["UpdateDate"] = self._now()
        return {}

    @twin(ims=IMS_KEYS, ram=RAM_KEYS)
    def DeleteAccessKey(self, params, caller, find_user):
        akid = params.text("UserAccessKeyId", required=True)
        self._key_of_user(find_user(self, params, caller), akid)
        del self._state["access_keys"][akid]
        return {}
