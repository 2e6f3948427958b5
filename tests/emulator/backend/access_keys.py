# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A user's AccessKeys, in IMS and RAM.

Each action is declared once: the versions differ only in how they name the user (a caller that names no
user acts on itself) and in the fields RAM leaves out (ListAccessKeys' UpdateDate, GetAccessKeyLastUsed's
ServiceName). The secret is shown once, by CreateAccessKey; the gateway verifies signatures with it through
Account.lookup_access_key, and tells the account each time a key signed a request it accepted
(:meth:`AccessKeys.record_access_key_use`), which GetAccessKeyLastUsed reports.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from .common import fault, invalid, iso, random_string
from .twins import by_upn_or_caller, by_user_name_or_caller, twin

IMS_KEYS = dict(find_user=by_upn_or_caller)
RAM_KEYS = dict(find_user=by_user_name_or_caller)


class AccessKeys:
    """The AccessKey handlers (a mixin of RamBackend)."""

    def record_access_key_use(self, access_key_id, service, when=None):
        """The key signed a request the gateway accepted, for ``service`` ("ims", "ram", "sts", ...).

        Only a RAM user's AccessKey is tracked (not the static keys of --access-key, not STS credentials), and
        only while it is Active: the gateway refuses a disabled key before it gets here. ``when`` (epoch
        seconds) defaults to now. Stored on the key as ``LastUsed`` {LastUsedDate, ServiceName}.

        ASSUMPTION(A53): the use is recorded at once, as soon as the signature is accepted (even if the request
        then fails); the real service updates it with an unpublished delay.
        """
        with self._lock:
            key = self._state["access_keys"].get(access_key_id)
            if key is None or access_key_id in self._static_keys or key["Status"] != "Active":
                return
            moment = self.clock() if when is None else when
            key["LastUsed"] = {"LastUsedDate": iso(moment), "ServiceName": service}
            self._schedule_save()

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

    # The RAM 2015-05-01 model of the answer has LastUsedDate only; the IMS one adds ServiceName.
    @twin(ims=dict(IMS_KEYS, fields=("LastUsedDate", "ServiceName")), ram=dict(RAM_KEYS, fields=("LastUsedDate",)))
    def GetAccessKeyLastUsed(self, params, caller, find_user, fields):
        akid = params.text("UserAccessKeyId", required=True)
        key = self._key_of_user(find_user(self, params, caller), akid)
        # ASSUMPTION(A52): a key never used answers an empty AccessKeyLastUsed object (no LastUsedDate, no
        # ServiceName); no source shows this case.
        last_used = key.get("LastUsed") or {}
        return {"AccessKeyLastUsed": dict((f, last_used[f]) for f in fields if f in last_used)}
