# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Exceptions raised by the collection's client stack.

Every message here may be shown to a user or written to a log, so no
exception ever carries request parameters, headers or credentials.
"""

from __future__ import annotations

from typing import Any


class RamError(Exception):
    """Base class; ``str(error)`` is always safe to show."""


class RamApiError(RamError):
    """An error answer from an Alibaba Cloud API, or a failure to get any answer."""

    def __init__(self, code: str, message: str, request_id: str | None = None, http_status: int | None = None,
                 recommend: str | None = None, action: str | None = None, retried: bool = False) -> None:
        self.code = code
        self.message = message
        self.request_id = request_id
        self.http_status = http_status
        self.recommend = recommend
        self.action = action
        # True when an earlier attempt of the same call may have reached the server.
        self.retried = retried
        super(RamApiError, self).__init__(self._describe())

    def _describe(self):
        text = "%s: %s" % (self.code, self.message)
        details = []
        if self.action:
            details.append("action %s" % self.action)
        if self.http_status is not None:
            details.append("HTTP %s" % self.http_status)
        if self.request_id:
            details.append("request id %s" % self.request_id)
        if details:
            text += " (%s)" % ", ".join(details)
        return text

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message,
            "request_id": self.request_id,
            "http_status": self.http_status,
            "recommend": self.recommend,
            "action": self.action,
        }

    def is_not_found(self) -> bool:
        return bool(self.code) and self.code.startswith("EntityNotExist")

    def is_already_exists(self) -> bool:
        return bool(self.code) and self.code.startswith("EntityAlreadyExists")

    def is_throttling(self) -> bool:
        """``Throttling``, ``Throttling.User``, ``Throttling.Api`` (fact sheet 8.1), ``Rejected.Throttling`` and any
        other code containing ``Throttling``, as the Terraform alicloud provider's NeedRetry matches them."""
        return bool(self.code) and "Throttling" in self.code


class CredentialError(RamError):
    """No usable credentials, or a credential source that is broken; the message lists what was tried."""


class ValidationError(RamError):
    """Bad input found locally, before any call; ``str(error) == "<option>: <rule>"``."""

    def __init__(self, option: str, rule: str) -> None:
        self.option = option
        self.rule = rule
        super(ValidationError, self).__init__("%s: %s" % (option, rule))
