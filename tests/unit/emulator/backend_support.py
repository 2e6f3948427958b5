# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every backend test needs: a root caller, the default domain, and calls that answer or fail."""

import pytest

from ansible_collections.aliyun.ram.tests.emulator.ram_backend import ApiFault

CALLER = {"access_key_id": "LTAIrootkey", "is_sts": False}
DOMAIN = "example.onaliyun.com"


class Clock:
    """A clock a test sets by hand (``clock.now = ...``); usable as ``clock`` or ``monotonic``."""

    def __init__(self, now=1700000000.0):
        self.now = now

    def __call__(self):
        return self.now


def upn(name):
    return "%s@%s" % (name, DOMAIN)


def call(backend, version, action, caller=None, **params):
    """The backend's answer to one action, with every parameter sent as text (as on the wire)."""
    return backend.handle(version, action, dict((k, str(v)) for k, v in params.items()), caller or CALLER)


def fault_of(backend, version, action, **params):
    """``(code, http_status)`` of the error the action must answer with."""
    with pytest.raises(ApiFault) as info:
        call(backend, version, action, **params)
    return info.value.code, info.value.http_status
