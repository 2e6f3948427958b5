# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment(object):
    # Modules that change things: full check mode and diff mode support.
    DOCUMENTATION = r"""
options: {}
attributes:
  action_group:
    description: Use C(group/aliyun.ram.ram) in C(module_defaults) to set defaults for this module, such as the connection options.
    support: full
    membership:
      - aliyun.ram.ram
  check_mode:
    description: Can run in check mode and return the changes it would make without making them.
    support: full
  diff_mode:
    description: Returns the before and after state of the fields it manages when run with C(--diff); secrets are never shown.
    support: full
"""

    # Read-only modules: nothing to change, so no diff.
    INFO_MODULE = r"""
options: {}
attributes:
  action_group:
    description: Use C(group/aliyun.ram.ram) in C(module_defaults) to set defaults for this module, such as the connection options.
    support: full
    membership:
      - aliyun.ram.ram
  check_mode:
    description: Only reads, so it runs the same way in check mode.
    support: full
  diff_mode:
    description: Changes nothing, so there is no diff.
    support: none
"""
