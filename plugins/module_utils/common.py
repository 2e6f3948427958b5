# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Glue shared by every module: connection options, the client factory and error reporting.

The options here are documented once, in the ``aliyun.ram.connection`` doc
fragment; keep the two in step.
"""

from __future__ import annotations

import os
import traceback
from typing import TYPE_CHECKING, Any, Callable, Mapping, NoReturn

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.aliyun.ram.plugins.module_utils.api import RamClient
from ansible_collections.aliyun.ram.plugins.module_utils.credentials import resolve_credentials
from ansible_collections.aliyun.ram.plugins.module_utils.errors import RamApiError, RamError, ValidationError
from ansible_collections.aliyun.ram.plugins.module_utils.transport import (
    DEFAULT_RETRY_TIMEOUT,
    HAS_REQUESTS,
    REQUESTS_IMPORT_ERROR,
    FixedCredentials,
    NoCredentials,
    RetryPolicy,
    Transport,
    check_ca_bundle,
    endpoint_choices,
    plain_http_endpoints,
    resolve_endpoints,
)

try:
    import requests
except ImportError:  # pragma: no cover - reported through missing_required_lib
    requests = None

if TYPE_CHECKING:
    from ansible.module_utils.basic import AnsibleModule

    from ansible_collections.aliyun.ram.plugins.module_utils.credentials import Credentials

# The credential options resolve_credentials reads (None when unset).
CREDENTIAL_OPTIONS = (
    "access_key_id", "access_key_secret", "security_token", "profile", "ecs_role_name",
    "assume_role_arn", "assume_role_session_name", "assume_role_duration", "assume_role_external_id",
    "assume_role_policy", "oidc_provider_arn", "oidc_token_file",
)

ENDPOINT_OPTIONS = {"ims": "ims_endpoint", "ram": "ram_endpoint", "sts": "sts_endpoint"}
DEFAULT_POOL_SIZE = 10


def connection_argument_spec() -> dict[str, dict[str, Any]]:
    """The connection options every module accepts; merge the module's own options over a fresh copy."""
    return dict(
        access_key_id=dict(type="str", aliases=["alicloud_access_key"], no_log=False),
        access_key_secret=dict(type="str", aliases=["alicloud_secret_key"], no_log=True),
        security_token=dict(type="str", aliases=["alicloud_security_token"], no_log=True),
        profile=dict(type="str"),
        ecs_role_name=dict(type="str"),
        assume_role_arn=dict(type="str"),
        assume_role_session_name=dict(type="str"),
        assume_role_duration=dict(type="int", default=3600),
        assume_role_external_id=dict(type="str", no_log=False),
        assume_role_policy=dict(type="json"),
        oidc_provider_arn=dict(type="str"),
        oidc_token_file=dict(type="path", no_log=False),
        ims_endpoint=dict(type="str"),
        ram_endpoint=dict(type="str"),
        sts_endpoint=dict(type="str"),
        allow_insecure_http=dict(type="bool", default=False),
        validate_certs=dict(type="bool", default=True),
        ca_bundle=dict(type="path"),
        timeout=dict(type="int", default=30),
        retry_timeout=dict(type="int", default=DEFAULT_RETRY_TIMEOUT),
        max_attempts=dict(type="int"),
    )


def transport_settings(params: Mapping[str, Any]) -> dict[str, Any]:
    """The Transport keyword arguments (other than credentials) that the module options select.

    Raises :class:`ValidationError` naming the option for a value no call could use.
    """
    timeout = params.get("timeout")
    timeout = 30 if timeout is None else timeout
    if timeout < 1:
        raise ValidationError("timeout", "must be at least 1 second")
    retry_timeout = params.get("retry_timeout")
    return dict(
        endpoints=dict((product, params.get(option)) for product, option in ENDPOINT_OPTIONS.items()),
        allow_insecure_http=params.get("allow_insecure_http") is True,
        timeout=timeout,
        validate_certs=params.get("validate_certs", True) is not False,
        ca_bundle=params.get("ca_bundle"),
        retry=RetryPolicy(max_attempts=params.get("max_attempts"),
                          timeout=DEFAULT_RETRY_TIMEOUT if retry_timeout is None else retry_timeout),
        # One keep-alive connection per worker of a module that runs calls concurrently (max_concurrency).
        pool_size=max(DEFAULT_POOL_SIZE, params.get("max_concurrency") or 0),
    )


def make_sts_call(settings: dict[str, Any]) -> Callable[[Credentials, dict[str, Any]], dict[str, Any]]:
    """An ``sts_call(credentials, params)`` that runs STS AssumeRole with those credentials through a Transport."""
    def sts_call(credentials, params):
        transport = Transport(FixedCredentials(credentials), **settings)
        try:
            return transport.call("sts", "AssumeRole", params)
        finally:
            transport.close()
    return sts_call


def make_oidc_call(settings: dict[str, Any]) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """An ``oidc_call(params)`` that runs the unsigned STS AssumeRoleWithOIDC through a Transport."""
    def oidc_call(params):
        transport = Transport(NoCredentials(), **settings)
        try:
            return transport.call("sts", "AssumeRoleWithOIDC", params)
        finally:
            transport.close()
    return oidc_call


def insecure_setting_warnings(settings: Mapping[str, Any], environ: Mapping[str, str] | None) -> list[str]:
    """Warnings for the settings that expose requests: unchecked TLS, plain HTTP to a host other than loopback."""
    warnings = []
    if not settings["validate_certs"]:
        warnings.append("validate_certs is false: TLS certificates are not checked, so the connection to Alibaba Cloud "
                        "can be intercepted. Use this only against a local test endpoint.")
    for option, host in plain_http_endpoints(endpoint_choices(settings["endpoints"], environ)):
        warnings.append("%s: http:// to %s sends every request, passwords included, unencrypted "
                        "(allowed by allow_insecure_http). Use this only on a network you trust." % (option, host))
    return warnings


def client_from_params(params: Mapping[str, Any], environ: Mapping[str, str] | None = None,
                       warn: Callable[[str], None] | None = None) -> RamClient:
    """Build a :class:`RamClient` from module-style ``params``; ``warn(msg)`` reports insecure settings.

    Every setting is checked before credentials are looked up, so a bad one fails before any call.
    """
    environ = os.environ if environ is None else environ
    settings = transport_settings(params)
    settings["environ"] = environ
    resolve_endpoints(settings["endpoints"], environ, settings["allow_insecure_http"])
    if settings["validate_certs"] and settings["ca_bundle"]:
        check_ca_bundle(settings["ca_bundle"])
    if warn is not None:
        for warning in insecure_setting_warnings(settings, environ):
            warn(warning)
    options = dict((name, params.get(name)) for name in CREDENTIAL_OPTIONS)
    provider = resolve_credentials(options, environ=environ, sts_call=make_sts_call(settings), http=requests.Session(),
                                   oidc_call=make_oidc_call(settings))
    return RamClient(Transport(provider, **settings))


def client_from_module(module: AnsibleModule) -> RamClient:
    """The RamClient for this task; fails the module when ``requests`` is missing.

    A module object with a ``ram_client()`` method (the controller path's stand-in for AnsibleModule, in
    plugins/plugin_utils/controller_path.py) builds the client itself, from the task's environment."""
    if not HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib("requests"), exception=str(REQUESTS_IMPORT_ERROR))
    own_client = getattr(module, "ram_client", None)
    if own_client is not None:
        return own_client()
    return client_from_params(module.params, warn=module.warn)


def safe_traceback(exc: BaseException) -> str:
    """The traceback of ``exc`` for ``fail_json``, holding no text that could be a secret.

    Ansible would otherwise format the pending exception with its whole chain, and a RamError is often
    raised while handling an error whose text quotes a request URL or a credentials file line. So: the
    frames, plus the message of a RamError (safe by contract) or only the type name of anything else.
    """
    lines = ["Traceback (most recent call last):\n"] + traceback.format_tb(exc.__traceback__)
    if isinstance(exc, RamError):
        lines.extend(traceback.format_exception_only(type(exc), exc))
    else:
        lines.append("%s (message hidden)\n" % type(exc).__name__)
    return "".join(lines)


def fail_on_error(module: AnsibleModule, exc: BaseException, msg: str | None = None) -> NoReturn:
    """Fail the task for ``exc``; never returns. The message and traceback are safe to show (no secret)."""
    text = str(exc)
    if msg:
        text = "%s: %s" % (msg, text)
    exception = safe_traceback(exc)
    # a plan step failed after earlier steps were applied: the task did change something, and says what
    completed = list(getattr(exc, "completed", None) or [])
    partial = {"changed": True, "completed_actions": completed} if completed else {}
    if completed:
        plural = "" if len(completed) == 1 else "s"
        text = "%s (after %d change%s had been made: %s)" % (text, len(completed), plural, "; ".join(completed))
    if isinstance(exc, RamApiError):
        module.fail_json(msg=text, error=exc.to_dict(), exception=exception, **partial)
    if isinstance(exc, RamError):
        module.fail_json(msg=text, exception=exception, **partial)
    # Anything else is a bug; show its type, not its text, which may hold request data.
    module.fail_json(msg="%s: unexpected %s" % (msg or "internal error", type(exc).__name__), exception=exception, **partial)


def run_module(module: AnsibleModule, task: Callable[[RamClient, Any], dict[str, Any]],
               validate: Callable[[], Any] | None = None,
               finish: Callable[[dict[str, Any]], None] | None = None) -> None:
    """Run one module task and end the module; never returns.

    ``validate()`` runs first: the module's one validation of its input, which needs no connection and so fails
    before any credential lookup. It returns the checked request (default: ``module.params``, unchecked), and
    ``task(client, request)`` runs with it. The result's ``warnings`` go to ``module.warn``, the rest to ``finish(result)`` (default:
    ``module.exit_json``). Every failure goes through :func:`fail_on_error`: a RamError with its own (safe) message,
    anything else with the step that failed and its type name only, never its text or a traceback of it, since
    either could quote request data.
    """
    step = "checking the options"
    try:
        request = validate() if validate is not None else module.params
        step = "connecting to Alibaba Cloud"
        client = client_from_module(module)
        step = "running the task"
        result = task(client, request)
        step = "reporting the result"
        for warning in result.pop("warnings", []):
            module.warn(warning)
        if finish is None:
            module.exit_json(**result)
        else:
            finish(result)
    except RamError as exc:
        fail_on_error(module, exc)
    # The safe path for anything unforeseen: a library error nothing turned into a RamError, or a bug.
    except Exception as exc:  # pylint: disable=broad-except
        fail_on_error(module, exc, msg="%s failed" % step)
