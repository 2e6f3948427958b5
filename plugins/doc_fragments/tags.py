# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment(object):
    # The tags of one resource, and whether tags the task does not list are removed.
    DOCUMENTATION = r"""
options:
  tags:
    description:
      - Tags as a dictionary of key and value; up to 20.
      - Keys are 1 to 128 characters and must not start with C(acs:) or C(aliyun); values are at most 128 characters and
        must not start with C(acs:). Neither may contain C(http://) or C(https://).
      - Not managed when unset.
    type: dict
  purge_tags:
    description:
      - With O(tags), remove tags that O(tags) does not list. Has no effect without O(tags).
      - The default, V(true), makes O(tags) the complete set, as in the other modules that manage one resource (and as
        in amazon.aws). M(aliyun.ram.ram_user_baseline) defaults to V(false) instead; its documentation says why.
    type: bool
    default: true
"""
