# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test-only callback: the result of every task of the collection, one JSON line each, in $ALIYUN_RAM_RECORD_FILE.

tests/integration/test_targets.py enables it (harness.record_environment) to compare the results of the controller
path and the module path of the same target.
"""

from __future__ import annotations

DOCUMENTATION = """
name: aliyun_ram_record
type: aggregate
short_description: Record the result of every aliyun.ram task (integration tests only)
description:
  - Appends one JSON line per finished aliyun.ram task (name, action, status, result) to the file named by the
    ALIYUN_RAM_RECORD_FILE environment variable.
  - With ALIYUN_RAM_RECORD_REQUEST_LOG (the emulator's request log), each line also says which lines of that log the
    task's requests are (C(requests), a [first, end) pair of line numbers).
"""

import json
import os

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "aliyun_ram_record"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._first_request = None

    @staticmethod
    def _requests_so_far():
        path = os.environ.get("ALIYUN_RAM_RECORD_REQUEST_LOG")
        if not path or not os.path.exists(path):
            return None
        with open(path, "rb") as handle:
            return handle.read().count(b"\n")

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._first_request = self._requests_so_far()

    def _record(self, result, status):
        path = os.environ.get("ALIYUN_RAM_RECORD_FILE")
        task = result._task
        action = getattr(task, "resolved_action", None) or task.action
        if not path or not str(action).startswith("aliyun.ram."):
            return
        entry = {"task": task.get_name(), "action": action, "status": status, "result": result._result,
                 "requests": [self._first_request, self._requests_so_far()]}
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry, sort_keys=True, default=repr) + "\n")

    def v2_runner_on_ok(self, result):
        self._record(result, "ok")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, "failed")

    def v2_runner_on_skipped(self, result):
        self._record(result, "skipped")
