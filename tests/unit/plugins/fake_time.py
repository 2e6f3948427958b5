# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A monotonic clock for retry and wait tests: it moves only when something sleeps (or a test moves ``now``)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class FakeTime:
    """``clock()`` (or the object itself, called) reads the time; ``sleep(s)`` records ``s`` and moves the time on."""

    def __init__(self, now=1000.0):
        self.now = now
        self.sleeps = []

    def clock(self):
        return self.now

    __call__ = clock

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds
