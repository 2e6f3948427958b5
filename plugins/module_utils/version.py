# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection version, in one place (keep in step with galaxy.yml)."""


COLLECTION_VERSION = "0.1.0"
