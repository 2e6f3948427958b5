# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

import yaml

from ansible_collections.aliyun.ram.plugins.module_utils.version import COLLECTION_VERSION

GALAXY_YML = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..", "galaxy.yml"))


def test_user_agent_version_is_the_released_version():
    """The User-Agent names COLLECTION_VERSION; it must follow galaxy.yml when the collection is released."""
    with open(GALAXY_YML, encoding="utf-8") as handle:
        assert yaml.safe_load(handle)["version"] == COLLECTION_VERSION
