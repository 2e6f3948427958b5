# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The controller path: a module's task run inside Ansible's worker process when the target is the controller.

Every module of the collection has an action plugin of the same name (``plugins/action/<module>.py``) built on
:class:`RamModuleAction`. When the task's connection is the controller itself (``ansible.builtin.local``: ``hosts:
localhost``, ``connection: local``, ``delegate_to: localhost``), the action runs the module's own ``run(module)``
in the worker process that Ansible already forked for the task, with :class:`ControllerModule` standing in for
AnsibleModule: no AnsiballZ payload, no new interpreter, no new imports. Anything else (another host, ``async``,
``become``, a controller without ``requests``, or the switch turned off) runs the module as before, through
``_execute_module`` (the module path).

The controller path keeps the module's contract by reusing Ansible's own pieces at both ends:

* the arguments are the ones ``_execute_module`` would send (``_update_module_args``: module_defaults are already
  in the task's arguments, plus check mode, diff, ``no_log``, tracebacks and ``invocation`` settings), serialised and
  read back with the module JSON profile the module would use, then checked with the module's own argument spec and
  checks (``ArgumentSpecValidator``: aliases, defaults, choices, ``mutually_exclusive``, the same messages);
* the task's ``environment:`` is applied to the worker's ``os.environ`` while the task runs (the module process would
  see it there), so credentials, endpoints, proxies and ``~`` resolve as on the module path;
* the result is formatted as ``AnsibleModule.exit_json``/``fail_json`` format it (``invocation``, warnings,
  deprecations, ``no_log`` values removed with ``remove_values``, booleans and ``None`` kept), serialised with the
  module JSON profile and parsed by ``_parse_returned_data``, the same call that reads a module's output.

See docs/controller-path.md for when each path is taken and how to switch.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import json
import os
import sys
import traceback

from ansible.errors import AnsibleActionFail, AnsibleError
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.common.json import Direction, get_module_decoder, get_module_encoder
from ansible.module_utils.common.parameters import PASS_BOOLS, PASS_VARS, remove_values
from ansible.module_utils.errors import UnsupportedError
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display
from ansible.utils.vars import merge_hash

from ansible_collections.aliyun.ram.plugins.module_utils.api import RamClient
from ansible_collections.aliyun.ram.plugins.module_utils.common import (
    client_from_params,
    connection_argument_spec,
    insecure_setting_warnings,
    safe_traceback,
    transport_settings,
)
from ansible_collections.aliyun.ram.plugins.module_utils.errors import RamApiError
from ansible_collections.aliyun.ram.plugins.module_utils.transport import (
    HAS_REQUESTS,
    check_ca_bundle,
    resolve_endpoints,
)

display = Display()

# The switch: a variable (per task, play, host or group, or an extra var) and an environment variable of the
# controller. The variable wins when both are set.
SWITCH_VARIABLE = "aliyun_ram_controller_path"
SWITCH_ENVIRONMENT = "ALIYUN_RAM_CONTROLLER_PATH"

# Our modules declare no serialization profile, so Ansible uses this one to send their arguments and read their
# results (ansible.executor.module_common; tests/unit/plugins/action checks it).
MODULE_PROFILE = "legacy"

# Transports kept by one worker process (the items of one looped task), at most this many at a time.
MAX_KEPT_TRANSPORTS = 4
# -vvv lines that say which path a task took (tests read them; they are not part of any result).
PATH_MARKER = "aliyun.ram path: %s ran on the %s"

_UNSET = object()


class ModuleExit(BaseException):
    """``exit_json``/``fail_json`` of the stand-in: the formatted module output, as the module would print it.

    A BaseException, like the SystemExit that AnsibleModule raises, so that no ``except Exception`` between the
    module's code and the action catches it.
    """

    def __init__(self, output, failed):
        super().__init__("module exit")
        self.output = output
        self.failed = failed


class StaleDomain(BaseException):
    """A default domain reused from an earlier item of the task turned out to be out of date: run the item again."""


def _first_error(validation, ignore_unknown_opts):
    try:
        error = validation.errors[0]
    except IndexError:
        return None
    if isinstance(error, UnsupportedError) and ignore_unknown_opts:
        return None
    return error


class ControllerModule:
    """What the modules and ``common.run_module`` use of AnsibleModule, for a task run in the worker process.

    ``params`` are the decoded module arguments, internal ``_ansible_*`` keys included, exactly as AnsibleModule
    loads them. Construction validates them like ``AnsibleModule.__init__`` and raises :class:`ModuleExit` for a
    validation failure; ``exit_json`` and ``fail_json`` raise it with the formatted output.
    """

    def __init__(self, argument_spec, params, checks, connect=None):
        self.argument_spec = argument_spec
        self.params = params
        self.supports_check_mode = checks.get("supports_check_mode", False)
        self.no_log_values = set()
        self.aliases = {}
        self._warnings = {}
        self._deprecations = []
        self._connect = connect
        # AnsibleModule._set_internal_properties: the _ansible_* keys become attributes and leave the params.
        internal = {}
        for name, (attribute, default) in PASS_VARS.items():
            key = "_ansible_%s" % name
            if key in params:
                value = params.pop(key)
                internal[name] = boolean(value) if name in PASS_BOOLS else value
            else:
                internal[name] = default
            setattr(self, attribute, internal[name])
        self._name = internal.get("module_name")
        # ansible-core 2.21 adds `invocation` only when asked (ANSIBLE_INJECT_INVOCATION); earlier releases always did.
        self._inject_invocation = bool(internal.get("inject_invocation")) if "inject_invocation" in PASS_VARS else True
        self._tracebacks_for = frozenset(internal.get("tracebacks_for") or ())

        validator = ArgumentSpecValidator(
            argument_spec,
            mutually_exclusive=checks.get("mutually_exclusive"),
            required_together=checks.get("required_together"),
            required_one_of=checks.get("required_one_of"),
            required_if=checks.get("required_if"),
            required_by=checks.get("required_by"),
        )
        validation = validator.validate(self.params)
        self.params.update(validation.validated_parameters)
        self.no_log_values.update(validation._no_log_values)
        self.aliases.update(validation._aliases)
        # what ModuleArgumentSpecValidator reports through the module's warnings and deprecations
        for item in validation._deprecations:
            self.deprecate(item["msg"], version=item.get("version"), date=item.get("date"),
                           collection_name=item.get("collection_name"))
        for item in validation._warnings:
            self.warn("Both option {option} and its alias {alias} are set.".format(option=item["option"], alias=item["alias"]))
        error = _first_error(validation, self._ignore_unknown_opts)
        if error:
            msg = validation.errors.msg
            if isinstance(error, UnsupportedError):
                msg = "Unsupported parameters for ({name}) {kind}: {msg}".format(name=self._name, kind="module", msg=msg)
            self.fail_json(msg=msg)
        if self.check_mode and not self.supports_check_mode:
            self.exit_json(skipped=True, msg="remote module (%s) does not support check mode" % self._name)

    # --- what the module's code calls ---------------------------------------------------------------------

    def ram_client(self):
        """The client for ``common.client_from_module``: built from the task's environment, transport reused."""
        return self._connect(self)

    def warn(self, warning):
        self._warnings[str(warning)] = None  # ordered, without repeats, like the module's warning store

    def deprecate(self, msg, version=None, date=None, collection_name=None):
        entry = {"msg": msg, "version": version, "date": date, "collection_name": collection_name or "aliyun.ram"}
        if entry not in self._deprecations:
            self._deprecations.append(entry)

    def exit_json(self, **kwargs):
        raise ModuleExit(self._formatted(kwargs), failed=False)

    def fail_json(self, msg, exception=_UNSET, **kwargs):
        kwargs.update(failed=True, msg=str(msg))
        if "error" in self._tracebacks_for:
            # The module would include a traceback only when tracebacks are on for errors (ANSIBLE_DISPLAY_TRACEBACK).
            if isinstance(exception, str):
                kwargs["exception"] = exception
            elif isinstance(exception, BaseException):
                kwargs["exception"] = safe_traceback(exception)
            elif exception is _UNSET and sys.exc_info()[1] is not None:
                kwargs["exception"] = safe_traceback(sys.exc_info()[1])
            else:
                kwargs["exception"] = "".join(["Traceback (most recent call last):\n"] + traceback.format_stack())
        raise ModuleExit(self._formatted(kwargs), failed=True)

    # --- AnsibleModule._return_formatted ------------------------------------------------------------------

    def _formatted(self, kwargs):
        if "path" in kwargs or "dest" in kwargs:
            # AnsibleModule.add_path_info would add the file's attributes; no module of ours returns a path.
            raise NotImplementedError("a result with path or dest")
        if self._inject_invocation:
            kwargs.setdefault("invocation", {"module_args": self.params})
        else:
            kwargs.pop("invocation", None)
        for warning in kwargs.pop("warnings", None) or []:
            self.warn(warning)
        if self._warnings:
            kwargs["warnings"] = list(self._warnings)
        if self._deprecations:
            kwargs["deprecations"] = list(self._deprecations)
        preserved = dict((key, value) for key, value in kwargs.items() if value is None or isinstance(value, bool))
        kwargs = remove_values(kwargs, self.no_log_values)
        kwargs.update(preserved)
        return json.dumps(kwargs, cls=get_module_encoder(MODULE_PROFILE, Direction.MODULE_TO_CONTROLLER))


# ------------------------------------------------------------------------------------------------ connections


def _names_domain(params, domain):
    suffix = "@" + domain.lower()
    return any(isinstance(value, str) and value.lower().endswith(suffix) for value in params.values())


class DomainReusingClient(RamClient):
    """A RamClient that starts from the default domain an earlier item of the same task read.

    A domain that is out of date makes a lookup by name miss. So the first "does not exist" for a name under the
    reused domain asks GetDefaultDomain again before the answer counts; if the domain changed, :class:`StaleDomain`
    makes the action run the item again from the start with the fresh domain (nothing was written: a write comes
    after the reads that decide it).
    """

    def __init__(self, transport, reused_domain=None, remember=None):
        super().__init__(transport)
        self._reused_domain = reused_domain
        self._remember = remember
        self._domain_verified = reused_domain is None

    def get_default_domain(self):
        if self._default_domain is None and self._reused_domain is not None:
            self._default_domain = self._reused_domain
        domain = super().get_default_domain()
        if self._reused_domain is None and self._remember is not None:
            self._remember(domain)
        return domain

    def _send(self, product, action, params):
        try:
            return super()._send(product, action, params)
        except RamApiError as exc:
            if (not self._domain_verified and self._default_domain and exc.is_not_found()
                    and _names_domain(params, self._default_domain)):
                self._domain_verified = True
                fresh = self.transport.call("ims", "GetDefaultDomain", {}).get("DefaultDomainName")
                if fresh and self._remember is not None:
                    self._remember(fresh)
                if fresh and fresh.lower() != self._default_domain.lower():
                    raise StaleDomain() from None
            raise


def connection_key(params, environ):
    """A digest of everything that decides a transport: the connection options and the task's environment."""
    names = sorted(set(connection_argument_spec()) | {"max_concurrency"})
    material = json.dumps([[name, params.get(name)] for name in names] + [sorted(environ.items())], default=str)
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


class Connections:
    """Transports (one credentials resolution, one pooled session) and default domains kept by a worker process.

    Ansible forks one worker per task and host and runs the items of a loop one after the other in it, so the items
    of a looped task share them. Nothing is shared between tasks or written anywhere.
    """

    def __init__(self):
        self._transports = {}
        self._domains = {}

    def client(self, params, environ, warn, reuse_domain=True):
        key = connection_key(params, environ)
        transport = self._transports.get(key)
        if transport is None:
            # the first item: the module path's own client factory (checks, warnings, credentials, transport)
            transport = client_from_params(params, environ=environ, warn=warn).transport
            self._keep(key, transport)
        else:
            # a later item: the same checks and warnings client_from_params makes, then the kept transport
            settings = transport_settings(params)
            resolve_endpoints(settings["endpoints"], environ, settings["allow_insecure_http"])
            if settings["validate_certs"] and settings["ca_bundle"]:
                check_ca_bundle(settings["ca_bundle"])
            for warning in insecure_setting_warnings(settings, environ):
                warn(warning)
        if not reuse_domain:
            return RamClient(transport)

        def remember(domain):
            self._domains[key] = domain

        return DomainReusingClient(transport, self._domains.get(key), remember)

    def _keep(self, key, transport):
        while len(self._transports) >= MAX_KEPT_TRANSPORTS:
            oldest = next(iter(self._transports))
            old = self._transports.pop(oldest)
            self._domains.pop(oldest, None)
            close = getattr(old, "close", None)
            if close is not None:
                close()
        self._transports[key] = transport


# One per worker process. The main process never runs a task, so a forked worker starts with an empty one.
CONNECTIONS = Connections()


@contextlib.contextmanager
def process_environment(extra):
    """The worker's ``os.environ`` plus ``extra`` while the task runs (what the module process would inherit)."""
    if not extra:
        yield os.environ
        return
    saved = dict(os.environ)
    try:
        os.environ.update(extra)
        yield os.environ
    finally:
        os.environ.clear()
        os.environ.update(saved)


def run_in_process(module_file, params, connections=None, reuse_domain=True):
    """Run ``module_file.run()`` with the stand-in on decoded module arguments; (module output JSON, failed)."""
    connections = CONNECTIONS if connections is None else connections
    for attempt in (1, 2):
        try:
            module = ControllerModule(module_file.argument_spec(), copy.deepcopy(params), module_file.MODULE_CHECKS,
                                      connect=lambda stand_in: connections.client(
                                          stand_in.params, dict(os.environ), stand_in.warn, reuse_domain=reuse_domain))
        except ModuleExit as done:
            return done.output, done.failed
        try:
            try:
                module_file.run(module)
            except StaleDomain:
                continue  # the fresh domain is kept: the second attempt starts from it
            except Exception as exc:  # pylint: disable=broad-except
                # run_module reports everything after validation; this is the code before it (a bug).
                module.fail_json(msg="%s failed: unexpected %s" % (module._name, type(exc).__name__),
                                 exception=safe_traceback(exc))
            module.fail_json(msg="%s ended without a result" % module._name)
        except ModuleExit as done:
            return done.output, done.failed
    raise AnsibleError("The account's default domain changed twice while this task ran; run it again.")


# ------------------------------------------------------------------------------------------------ the action


class RamModuleAction(ActionBase):
    """The action plugin of one module: the controller path when the target is the controller, else the module.

    A subclass sets ``MODULE`` to the module file (``plugins/modules/<name>.py``), which provides
    ``argument_spec()``, ``MODULE_CHECKS`` and ``run(module)``.
    """

    MODULE = None
    # the batch engine runs users in threads; it asks for the domain once per task anyway
    REUSE_DOMAIN = True
    TRANSFERS_FILES = False
    _supports_check_mode = True
    _supports_async = True

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp
        task_vars = task_vars or {}
        module_name = self._task.action
        reason = self.module_path_reason(task_vars)
        host = self._play_context.remote_addr
        if reason:
            display.vvv(PATH_MARKER % (module_name, "module path (%s)" % reason), host=host)
            wrap_async = self._task.async_val
            result = merge_hash(result, self._execute_module(task_vars=task_vars, wrap_async=wrap_async))
            if not wrap_async:
                self._remove_tmp_path(self._connection._shell.tmpdir)
            return result
        display.vvv(PATH_MARKER % (module_name, "controller path"), host=host)
        return merge_hash(result, self._run_on_controller(module_name, task_vars))

    def module_path_reason(self, task_vars):
        """Why this task runs as a module; None when it runs on the controller path."""
        switch = self._switch(task_vars)
        if switch is not None:
            return switch
        if self._task.async_val:
            return "async"
        connection = self._connection
        name = getattr(connection, "ansible_name", None) or getattr(connection, "_load_name", "unknown")
        if getattr(connection, "transport", None) != "local" or name != "ansible.builtin.local":
            return "the connection %s is not the controller" % name
        if self._play_context.become:
            return "become"
        if not HAS_REQUESTS:
            return "the controller's Python has no requests"
        return None

    def _switch(self, task_vars):
        value, source = task_vars.get(SWITCH_VARIABLE), SWITCH_VARIABLE
        if value is not None:
            value = self._templar.template(value)
        if value is None or value == "":
            value, source = os.environ.get(SWITCH_ENVIRONMENT), SWITCH_ENVIRONMENT
        if value is None or value == "":
            return None
        try:
            enabled = boolean(value, strict=True)
        except TypeError:
            raise AnsibleActionFail("%s must be true or false, not %r" % (source, value)) from None
        return None if enabled else "%s is false" % source

    def _run_on_controller(self, module_name, task_vars):
        # what _execute_module would send to the module ...
        module_args = dict(self._task.args)
        self._update_module_args(module_name, module_args, task_vars)
        environment = {}
        self._compute_environment_string(environment)
        environment = dict((str(key), str(value)) for key, value in environment.items())
        try:
            encoded = json.dumps({"ANSIBLE_MODULE_ARGS": module_args},
                                 cls=get_module_encoder(MODULE_PROFILE, Direction.CONTROLLER_TO_MODULE))
        except TypeError as ex:
            raise AnsibleError("Failed to serialize arguments for the %r module." % module_name) from ex
        # ... and what the module would read
        params = json.loads(encoded, cls=get_module_decoder(MODULE_PROFILE, Direction.CONTROLLER_TO_MODULE))
        with process_environment(environment):
            output, failed = run_in_process(self.MODULE, params["ANSIBLE_MODULE_ARGS"], reuse_domain=self.REUSE_DOMAIN)
        # read back as _execute_module reads a module's output
        parsed = self._parse_returned_data({"stdout": output, "stderr": "", "rc": 1 if failed else 0}, MODULE_PROFILE)
        return finish_module_result(parsed)


def finish_module_result(parsed):
    """The tail of ``_execute_module`` after ``_parse_returned_data`` (its shape differs between ansible-core releases)."""
    if hasattr(parsed, "as_result_dict"):  # ansible-core 2.21+: a UnifiedTaskResult
        parsed.remove_internal_keys()
        return parsed.as_result_dict(for_round_trip=True)
    from ansible.vars.clean import remove_internal_keys  # ansible-core 2.19 and 2.20: a dict

    parsed.pop("_ansible_suppress_tmpdir_delete", None)  # no temporary directory was made on a target
    remove_internal_keys(parsed)
    return parsed
