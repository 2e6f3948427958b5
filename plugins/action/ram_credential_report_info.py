# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin for aliyun.ram.ram_credential_report_info: on the controller, the module's task runs in the worker process.

Any other target (or async, become, or the switch turned off) runs the module as usual; see docs/controller-path.md.
"""

from __future__ import annotations

from ansible_collections.aliyun.ram.plugins.modules import ram_credential_report_info
from ansible_collections.aliyun.ram.plugins.plugin_utils.controller_path import RamModuleAction


class ActionModule(RamModuleAction):
    MODULE = ram_credential_report_info
