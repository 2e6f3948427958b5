#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test-only setup: give a user an AccessKey and a bound virtual MFA device through signed API calls.

Usage: attach_credentials.py UPN. Uses the same environment (credentials, endpoints) as the modules.
Prints only the new AccessKey ID and the MFA serial number, never the AccessKey secret.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import sys

sys.path.insert(0, os.environ["ANSIBLE_COLLECTIONS_PATH"].split(os.pathsep)[0])

from ansible_collections.aliyun.ram.plugins.module_utils.common import client_from_params  # noqa: E402


def main(upn):
    client = client_from_params({})
    key = client.transport.call("ims", "CreateAccessKey", {"UserPrincipalName": upn})["AccessKey"]["AccessKeyId"]
    device = "mfa-" + upn.split("@")[0]
    serial = client.transport.call("ims", "CreateVirtualMFADevice", {"VirtualMFADeviceName": device})["VirtualMFADevice"]["SerialNumber"]
    client.transport.call("ims", "BindMFADevice", {"UserPrincipalName": upn, "SerialNumber": serial,
                                                   "AuthenticationCode1": "123456", "AuthenticationCode2": "654321"})
    print(json.dumps({"access_key_id": key, "serial_number": serial}))


if __name__ == "__main__":
    main(sys.argv[1])
