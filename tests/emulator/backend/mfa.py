# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Virtual MFA devices: create, bind, unbind, delete, and a user's MFA information.

Devices are created, bound and deleted through IMS. UnbindMFADevice is declared once for both versions;
GetUserMFAInfo keeps one handler per version because a user without a device is an answer in IMS and an
error in RAM (A45).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import re
import secrets

from .common import ApiFault, check_name, fault
from .twins import by_upn, by_upn_or_caller, by_user_name, twin

AUTH_CODE_RE = re.compile(r"[0-9]{6}")


class MfaDevices:
    """The MFA handlers (a mixin of RamBackend)."""

    def _mfa_serial(self, name):
        return "acs:ram::%s:mfa/%s" % (self.account_id, name)

    def _new_mfa_device(self, serial, now):
        device = {"SerialNumber": serial, "UserId": None, "ActivateDate": None, "CreateDate": now}
        self._state["mfa_devices"][serial] = device
        return device

    def _bound_device(self, user):
        device = self._mfa_of(user["UserId"])
        if device is None:
            raise fault("EntityNotExist.User.MFADevice")
        return device

    # ----------------------------------------------------------------- IMS

    def _ims_CreateVirtualMFADevice(self, params, caller):
        name = params.text("VirtualMFADeviceName", required=True)
        check_name(name, "VirtualMFADeviceName")
        serial = self._mfa_serial(name)
        if serial in self._state["mfa_devices"]:
            raise fault("EntityAlreadyExists.VirtualMFADevice")
        self._new_mfa_device(serial, self._now())
        # ASSUMPTION(A44): the seed is returned once and not kept: any two six-digit codes bind the device (no TOTP
        # check); every device reports Type VMFA.
        seed = base64.b32encode(secrets.token_bytes(40)).decode("ascii")
        return {"VirtualMFADevice": {"SerialNumber": serial, "Base32StringSeed": seed,
                                     "QRCodePNG": base64.b64encode(b"\x89PNG\r\n\x1a\n" + secrets.token_bytes(32)).decode("ascii")}}

    def _ims_BindMFADevice(self, params, caller):
        serial = params.text("SerialNumber", required=True)
        user = by_upn(self, params, caller)
        for field in ("AuthenticationCode1", "AuthenticationCode2"):
            if not AUTH_CODE_RE.fullmatch(params.text(field, required=True)):
                raise ApiFault("InvalidParameter.AuthenticationCode.Format", 400,
                               'The parameter - "AuthenticationCode" MUST be 6 numbers.')
        device = self._state["mfa_devices"].get(serial)
        if device is None:
            raise fault("EntityNotExist.VirtualMFADevice")
        if device["UserId"] is not None:
            raise fault("EntityAlreadyExists.VirtualMFADevice.User")
        if self._mfa_of(user["UserId"]) is not None:
            raise fault("EntityAlreadyExists.User.MFADevice")
        device["UserId"] = user["UserId"]
        device["ActivateDate"] = self._now()
        return {}

    def _ims_DeleteVirtualMFADevice(self, params, caller):
        serial = params.text("SerialNumber", required=True)
        device = self._state["mfa_devices"].get(serial)
        if device is None:
            raise fault("EntityNotExist.VirtualMFADevice")
        if device["UserId"] is not None:
            raise fault("DeleteConflict.VirtualMFADevice.User")
        del self._state["mfa_devices"][serial]
        return {}

    def _ims_GetUserMFAInfo(self, params, caller):
        user = by_upn_or_caller(self, params, caller)
        device = self._mfa_of(user["UserId"])
        if device is None:
            # ASSUMPTION(A45): IMS answers a user without a device with IsMFAEnable=false (the SDK model documents the
            # false value) rather than RAM 2015's 404 EntityNotExist.User.MFADevice; no page shows this case.
            return {"IsMFAEnable": False}
        return {"IsMFAEnable": True, "MFADevice": {"SerialNumber": device["SerialNumber"], "Type": "VMFA"}}

    # ----------------------------------------------------------------- RAM

    def _ram_GetUserMFAInfo(self, params, caller):
        device = self._bound_device(by_user_name(self, params, caller))
        return {"MFADevice": {"SerialNumber": device["SerialNumber"], "Type": "VMFA"}}

    # ----------------------------------------------------------------- both versions

    @twin(ims=dict(find_user=by_upn), ram=dict(find_user=by_user_name))
    def UnbindMFADevice(self, params, caller, find_user):
        device = self._bound_device(find_user(self, params, caller))
        device["UserId"] = None
        device["ActivateDate"] = None
        return {"MFADevice": {"SerialNumber": device["SerialNumber"]}}
