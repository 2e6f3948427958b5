# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bench-only callback: wall-clock start and end of every task, written as JSON to $BENCH_TIMER_FILE.

Enabled by tests/bench/run_all.py with ANSIBLE_CALLBACK_PLUGINS pointing here and
ANSIBLE_CALLBACKS_ENABLED=bench_timer. It works with any ansible-core from 2.15 on (the peer venv too).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = """
name: bench_timer
type: aggregate
short_description: Record each task's wall-clock start and end (benchmarks only)
description:
  - Writes a JSON list of tasks with name, start, end (UNIX time) and the number of loop items to the file named by
    the BENCH_TIMER_FILE environment variable.
"""

import json
import os
import time

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "bench_timer"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super(CallbackModule, self).__init__(*args, **kwargs)
        self._tasks = []
        self._current = None

    def _close(self):
        if self._current is not None:
            self._current["end"] = time.time()
            self._tasks.append(self._current)
            self._current = None

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._close()
        self._current = {"name": task.get_name(), "start": time.time(), "items": 0, "failed": 0}

    def _item(self, result, failed=False):
        if self._current is not None:
            self._current["items"] += 1
            self._current["failed"] += int(failed)

    def v2_runner_item_on_ok(self, result):
        self._item(result)

    def v2_runner_item_on_failed(self, result):
        self._item(result, failed=True)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        if self._current is not None:
            self._current["failed"] += 1

    def v2_playbook_on_stats(self, stats):
        self._close()
        path = os.environ.get("BENCH_TIMER_FILE")
        if path:
            with open(path, "w") as handle:
                json.dump(self._tasks, handle)
