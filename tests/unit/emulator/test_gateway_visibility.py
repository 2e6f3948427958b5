# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The visibility_delay_ms setting over HTTP: command line and POST /_emulator/faults."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

import pytest

from ansible_collections.aliyun.ram.tests.unit.emulator import gateway_support as support

REAL = {"RAM_EMULATOR_BACKEND": ""}


api = support.signed_call


def wait_visible(emu, upn, delay):
    started = time.monotonic()
    status, body = api(emu, "GetUser", {"UserPrincipalName": upn})
    while status == 404 and time.monotonic() - started < delay + 5:
        time.sleep(0.02)
        status, body = api(emu, "GetUser", {"UserPrincipalName": upn})
    return status, time.monotonic() - started


def test_visibility_delay_from_the_command_line():
    with support.client.start_emulator(["--fixed-time", support.CAPTURE_TIME, "--visibility-delay-ms", "300"],
                                       env=REAL) as emu:
        assert emu.admin("GET", "/_emulator/faults")["visibility_delay_ms"] == 300
        upn = "late@example.onaliyun.com"
        status, body = api(emu, "CreateUser", {"UserPrincipalName": upn, "DisplayName": "Late"})
        assert status == 200 and body["User"]["UserPrincipalName"] == upn
        status, body = api(emu, "GetUser", {"UserPrincipalName": upn})
        assert (status, body["Code"]) == (404, "EntityNotExist.User")
        assert api(emu, "CreateLoginProfile", {"UserPrincipalName": upn, "Password": "Some-Passw0rd"})[1]["Code"] == \
            "EntityNotExist.User"
        status, waited = wait_visible(emu, upn, 0.3)
        assert status == 200 and waited >= 0.1


def test_visibility_delay_set_at_run_time():
    with support.client.start_emulator(["--fixed-time", support.CAPTURE_TIME], env=REAL) as emu:
        assert emu.set_faults(visibility_delay_ms=250)["visibility_delay_ms"] == 250
        status, body = api(emu, "CreateGroup", {"GroupName": "later"})
        assert status == 200
        assert api(emu, "GetGroup", {"GroupName": "later"})[1]["Code"] == "EntityNotExist.Group"
        assert api(emu, "CreateGroup", {"GroupName": "later"})[1]["Code"] == "EntityAlreadyExists.Group"
        emu.set_faults(visibility_delay_ms=0)  # later creates are visible at once; the pending one still waits
        assert api(emu, "CreateUser", {"UserPrincipalName": "now@example.onaliyun.com", "DisplayName": "N"})[0] == 200
        assert api(emu, "GetUser", {"UserPrincipalName": "now@example.onaliyun.com"})[0] == 200
        time.sleep(0.3)
        assert api(emu, "GetGroup", {"GroupName": "later"})[0] == 200


@pytest.mark.parametrize("value", [-1, "100", True, None])
def test_bad_visibility_delay_is_refused(value):
    faults = support.emulator.Faults()
    with pytest.raises(ValueError):
        faults.update({"visibility_delay_ms": value})


def test_bad_visibility_delay_on_the_command_line():
    with pytest.raises(SystemExit):
        support.emulator.parse_args(["--port", "0", "--visibility-delay-ms", "-5"])


def test_gateway_pushes_the_setting_to_the_backend():
    real = support.load("ram_backend_for_visibility", support.REAL_BACKEND_PATH)
    backend = real.RamBackend()
    gateway = support.emulator.Gateway(backend, real.ApiFault,
                                       faults=support.emulator.Faults(visibility_delay_ms=40))
    assert backend.visibility_delay_ms == 40
    assert gateway.handle_admin("POST", "/_emulator/faults", b'{"visibility_delay_ms": 7}').status == 200
    assert backend.visibility_delay_ms == 7
    gateway.faults.update({"visibility_delay_ms": 0})
    assert backend.visibility_delay_ms == 0
