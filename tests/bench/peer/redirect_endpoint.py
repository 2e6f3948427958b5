# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Send the peer's RAM/STS requests to a local emulator: endpoint host and protocol only.

Installed into the peer venv (``.venv-peer``) by ``setup_peer.sh`` together with a one-line ``.pth`` file,
so it is active in every Python process of that venv, including the AnsiballZ module processes.
It does nothing unless ``RAM_PEER_ENDPOINT`` is set, e.g. ``http://127.0.0.1:18080``.

What it changes: just before ``aliyunsdkcore.client.AcsClient`` sends a request whose product is
listed in ``RAM_PEER_PRODUCTS`` (default ``ram,sts``), it sets that request's endpoint to the emulator's
``host:port`` and its protocol to the emulator's scheme. Everything else (the modules, footmark, the
request classes, parameters, classic HMAC-SHA1 signing, error handling and retries) runs untouched.

To avoid slowing down every Python start, aliyunsdkcore is not imported here: a meta-path hook wraps
``AcsClient`` only when the process itself imports ``aliyunsdkcore.client``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import importlib.abc
import importlib.util
import os
import sys

TARGET_MODULE = "aliyunsdkcore.client"


def _target():
    """(scheme, host_with_port, products) from the environment, or None when inactive."""
    value = os.environ.get("RAM_PEER_ENDPOINT", "").strip()
    if not value:
        return None
    scheme, sep, rest = value.partition("://")
    if not sep:
        scheme, rest = "http", value
    products = os.environ.get("RAM_PEER_PRODUCTS", "ram,sts")
    return scheme.lower(), rest.rstrip("/"), {p.strip().lower() for p in products.split(",") if p.strip()}


def patch_client(module):
    target = _target()
    if target is None or getattr(module.AcsClient, "_ram_peer_redirected", False):
        return
    scheme, host, products = target
    original = module.AcsClient._implementation_of_do_action

    def _implementation_of_do_action(self, request, signer=None):
        if str(request.get_product()).lower() in products:
            request.set_endpoint(host)
            request.set_protocol_type(scheme)
        return original(self, request, signer)

    module.AcsClient._implementation_of_do_action = _implementation_of_do_action
    module.AcsClient._ram_peer_redirected = True


class _Loader(importlib.abc.Loader):
    def __init__(self, wrapped):
        self._wrapped = wrapped

    def create_module(self, spec):
        return self._wrapped.create_module(spec)

    def exec_module(self, module):
        self._wrapped.exec_module(module)
        patch_client(module)


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path, target=None):
        if fullname != TARGET_MODULE:
            return None
        sys.meta_path.remove(self)  # find the real spec, then step aside for good
        spec = importlib.util.find_spec(fullname)
        if spec is not None and spec.loader is not None:
            spec.loader = _Loader(spec.loader)
        return spec


def install():
    if _target() is None:
        return
    if TARGET_MODULE in sys.modules:
        patch_client(sys.modules[TARGET_MODULE])
    elif not any(isinstance(finder, _Finder) for finder in sys.meta_path):
        sys.meta_path.insert(0, _Finder())
