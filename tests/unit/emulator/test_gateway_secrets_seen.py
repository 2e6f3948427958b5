# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""GET /_emulator/secrets: every secret that crossed the gateway, for leak scans, and nowhere else."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible_collections.aliyun.ram.tests.unit.emulator import gateway_support as support

emulator = support.emulator
real = support.load("ram_backend_for_secrets_seen", support.REAL_BACKEND_PATH)
UPN = "seen@example.onaliyun.com"


def gateway_and_log(tmp_path):
    log_path = tmp_path / "requests.jsonl"
    gateway = emulator.Gateway(real.RamBackend(), real.ApiFault, static_keys=support.static_keys(),
                               request_log=emulator.RequestLog(str(log_path)),
                               clock=lambda: support.CAPTURE_EPOCH, sleep=lambda s: None)
    return gateway, log_path


def call(gateway, action, params):
    request = support.v3_request(action, params, date=support.CAPTURE_TIME)
    response = gateway.handle_api(emulator.ApiRequest(*request))
    return response.status, json.loads(response.body.decode("utf-8"))


def secrets(gateway):
    response = gateway.handle_admin("GET", "/_emulator/secrets", b"")
    return json.loads(response.body.decode("utf-8"))["secrets"]


def test_a_sent_password_and_an_issued_secret_are_listed_once_and_logged_nowhere(tmp_path):
    gateway, log_path = gateway_and_log(tmp_path)
    assert call(gateway, "CreateUser", {"UserPrincipalName": UPN, "DisplayName": "Seen"})[0] == 200
    assert call(gateway, "CreateLoginProfile", {"UserPrincipalName": UPN, "Password": "Seen-By-The-Gateway-1"})[0] == 200
    status, answer = call(gateway, "CreateAccessKey", {"UserPrincipalName": UPN})
    assert status == 200
    issued = answer["AccessKey"]["AccessKeySecret"]
    call(gateway, "CreateAccessKey", {"UserPrincipalName": "nobody@example.onaliyun.com"})  # refused: issues nothing

    assert secrets(gateway) == ["Seen-By-The-Gateway-1", issued]
    log = log_path.read_text()
    assert "Seen-By-The-Gateway-1" not in log and issued not in log
    # flags that only mention a password are not secrets
    call(gateway, "UpdateLoginProfile", {"UserPrincipalName": UPN, "PasswordResetRequired": "true"})
    assert secrets(gateway) == ["Seen-By-The-Gateway-1", issued]


def test_sts_credentials_from_assume_role_are_listed(tmp_path):
    gateway, _log_path = gateway_and_log(tmp_path)
    request = support.v3_request("AssumeRole", {"RoleArn": "acs:ram::1234567890123456:role/admin",
                                                "RoleSessionName": "seen"}, version="2015-04-01",
                                 date=support.CAPTURE_TIME)
    response = gateway.handle_api(emulator.ApiRequest(*request))
    answer = json.loads(response.body.decode("utf-8"))
    assert response.status == 200, answer
    listed = secrets(gateway)
    assert answer["Credentials"]["AccessKeySecret"] in listed
    assert answer["Credentials"]["SecurityToken"] in listed


def test_password_policy_flags_are_neither_secrets_nor_hidden_in_the_log(tmp_path):
    gateway, log_path = gateway_and_log(tmp_path)
    status, _answer = call(gateway, "SetPasswordPolicy", {"InterceptRiskPasswordOnApi": "false", "MinimumPasswordLength": "12"})
    assert status == 200
    assert secrets(gateway) == []
    assert '"InterceptRiskPasswordOnApi": "false"' in log_path.read_text()
