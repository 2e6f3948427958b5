# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reconciler for a user's console login (IMS login profile).

Read (GetLoginProfile) -> plan (pure) -> apply (Create/Update/DeleteLoginProfile)
-> re-read. The batch engine reuses :func:`read_login_profile` and
:func:`plan_login_profile`.

``desired`` keys: ``state`` (present/absent), ``password``,
``password_reset_required``, ``mfa_bind_required``, ``status`` (Active/Inactive).
``None`` means "not managed": an unset flag is never reset.

The API never returns the password, so it cannot be compared:
``update_password: on_create`` sends it only when the profile is created,
``always`` sends it on every run (and so always reports a change).

People change these flags themselves: the service clears
``PasswordResetRequired`` when a person sets a new password (and, as far as
the emulator assumes, ``MFABindRequired`` once a device is bound). So with
``enforce_login_flags: on_create`` (the default) the two flags are sent only
with a password, when the profile is created or a new password is set, and a
re-run never asks people to reset or bind again. ``always`` compares and
enforces them on every run, for an admin who wants that on demand. ``status``
is enforced whenever it is given: it is an administrator's decision.

The password only ever travels inside a :class:`Step`'s keyword arguments.
Summaries, warnings, errors and the before/after views carry at most the
marker :data:`PASSWORD_MARKER`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ansible_collections.aliyun.ram.plugins.module_utils.errors import RamApiError, RamError, ValidationError
from ansible_collections.aliyun.ram.plugins.module_utils.password import check_password
from ansible_collections.aliyun.ram.plugins.module_utils.plan import Plan
from ansible_collections.aliyun.ram.plugins.module_utils.validation import validate_upn

if TYPE_CHECKING:
    from ansible_collections.aliyun.ram.plugins.module_utils.api import RamClient

FLAGS = ("status", "password_reset_required", "mfa_bind_required")
# The flags people change by themselves; see enforce_login_flags.
PERSON_FLAGS = ("password_reset_required", "mfa_bind_required")
STATUSES = ("Active", "Inactive")
UPDATE_PASSWORD_CHOICES = ("always", "on_create")
ENFORCE_FLAGS_CHOICES = ("on_create", "always")
STATES = ("present", "absent")

# What CreateLoginProfile documents for a flag it is not given.
CREATE_DEFAULTS = {"status": "Active", "password_reset_required": False, "mfa_bind_required": False}

# Shown in the diff instead of the password when one is sent.
PASSWORD_MARKER = "<changed>"

PROFILE_KEYS = ("user_principal_name", "status", "password_reset_required", "mfa_bind_required", "password_status",
                "create_date", "update_date", "last_login_time", "auto_disable_login_status")


class MissingUserError(RamError):
    """The RAM user that should own the login profile does not exist."""

    def __init__(self, upn: str) -> None:
        self.user_principal_name = upn
        super(MissingUserError, self).__init__(
            "user %s does not exist; create it first (for example with aliyun.ram.ram_user)" % upn)


def read_login_profile(client: RamClient, upn: str, user_exists: bool = False) -> dict[str, Any] | None:
    """The login profile of ``upn``, or ``None`` when the user has none.

    Only "this user has no login profile" means absent. A missing user raises
    :class:`MissingUserError`; every other error (NoPermission, throttling that
    outlasted the retries, ...) propagates, so it can never be mistaken for
    "absent" and lead to a create.

    IMS publishes no error codes for GetLoginProfile (only RAM 2015-05-01 lists
    ``EntityNotExist.User`` beside ``EntityNotExist.User.LoginProfile``), so
    before reporting "no console login" the user is confirmed with GetUser,
    unless the caller has just read it (``user_exists``).
    """
    try:
        profile = client.get_login_profile(upn)
    except RamApiError as exc:
        if exc.code == "EntityNotExist.User":
            raise MissingUserError(upn)
        raise
    if profile is None and not user_exists and client.get_user(upn=upn) is None:
        raise MissingUserError(upn)
    return profile


def validate_desired(desired: dict[str, Any], update_password: str = "on_create",
                     enforce_login_flags: str = "on_create") -> None:
    """Local checks that need no API call; raise :class:`ValidationError`."""
    state = desired.get("state") or "present"
    if state not in STATES:
        raise ValidationError("state", "must be one of %s" % ", ".join(STATES))
    if update_password not in UPDATE_PASSWORD_CHOICES:
        raise ValidationError("update_password", "must be one of %s" % ", ".join(UPDATE_PASSWORD_CHOICES))
    if enforce_login_flags not in ENFORCE_FLAGS_CHOICES:
        raise ValidationError("enforce_login_flags", "must be one of %s" % ", ".join(ENFORCE_FLAGS_CHOICES))
    status = desired.get("status")
    if status is not None and status not in STATUSES:
        raise ValidationError("status", "must be Active or Inactive")
    for flag in ("password_reset_required", "mfa_bind_required"):
        value = desired.get(flag)
        if value is not None and not isinstance(value, bool):
            raise ValidationError(flag, "must be true or false")
    password = desired.get("password")
    if password is not None and password == "":
        raise ValidationError("password", "must not be empty")


def password_will_be_sent(current: dict[str, Any] | None, desired: dict[str, Any],
                          update_password: str = "on_create") -> bool:
    """True when the plan would send ``desired['password']`` (so it must be checked against the policy)."""
    if (desired.get("state") or "present") != "present" or not desired.get("password"):
        return False
    return current is None or update_password == "always"


def profile_view(profile: dict[str, Any] | None) -> dict[str, Any]:
    """The diff view of a profile: ``exists`` plus the managed flags."""
    if profile is None:
        return {"exists": False}
    view: dict[str, Any] = {"exists": True}
    view.update((flag, profile.get(flag)) for flag in FLAGS)
    return view


def plan_login_profile(current: dict[str, Any] | None, desired: dict[str, Any], update_password: str = "on_create",
                       policy: dict[str, Any] | None = None, user_name: str | None = None,
                       enforce_login_flags: str = "on_create") -> Plan:
    """Decide the writes that bring ``current`` to ``desired``; pure (no API call).

    ``user_name`` is the user's UPN: the steps address it, and the password
    policy's "no user name in the password" rule compares its name part.
    ``policy`` is the account password policy; when given, a password that
    will be sent is checked against it here, so check mode fails exactly like
    a real run. With ``policy=None`` only the service checks it.
    ``enforce_login_flags`` decides when :data:`PERSON_FLAGS` are enforced on
    an existing profile (see the module docstring). ``desired`` must have passed
    :func:`validate_desired` (the module and the batch engine check their input first).
    """
    upn = user_name or (current or {}).get("user_principal_name")
    plan = Plan(before=profile_view(current))
    if (desired.get("state") or "present") == "absent":
        return _plan_absent(plan, current, desired, upn)

    sending_password = password_will_be_sent(current, desired, update_password)
    if sending_password and policy is not None:
        check_password(desired["password"], policy, user_name=upn)

    if current is None:
        return _plan_create(plan, desired, upn)
    enforced = FLAGS if (sending_password or enforce_login_flags == "always") else \
        tuple(flag for flag in FLAGS if flag not in PERSON_FLAGS)
    return _plan_update(plan, current, desired, upn, sending_password, enforced)


def _plan_absent(plan, current, desired, upn):
    ignored = [option for option in ("password",) + FLAGS if desired.get(option) is not None]
    if ignored:
        plan.warnings.append("%s ignored because state is absent" % ", ".join(ignored))
    plan.after = {"exists": False}
    if current is not None:
        plan.note_change("exists")
        plan.add("delete_login_profile", "delete the login profile of %s" % upn, upn=upn)
    return plan


def _plan_create(plan, desired, upn):
    if not desired.get("password"):
        raise ValidationError("password", "required to create a login profile (the console login needs a password)")
    flags = dict((flag, desired.get(flag)) for flag in FLAGS if desired.get(flag) is not None)
    plan.after = dict(CREATE_DEFAULTS, exists=True, **flags)
    plan.after["password"] = PASSWORD_MARKER
    plan.note_change("exists")
    plan.note_change("password")
    for flag in flags:
        plan.note_change(flag)
    described = ", ".join("%s=%s" % (flag, _show(value)) for flag, value in sorted(flags.items()))
    plan.add("create_login_profile", "create the login profile of %s with a password%s" % (
        upn, (" and " + described) if described else ""), upn=upn, password=desired["password"], **flags)
    return plan


def _plan_update(plan, current, desired, upn, sending_password, enforced):
    changes = dict((flag, desired[flag]) for flag in enforced
                   if desired.get(flag) is not None and desired[flag] != current.get(flag))
    plan.after = profile_view(current)
    plan.after.update(changes)
    if desired.get("password") and not sending_password:
        plan.warnings.append(
            "password not changed: %s already has a login profile and update_password is on_create; "
            "set update_password: always to replace the password" % upn)
    for flag in FLAGS:
        if flag in changes:
            plan.note_change(flag)
    kwargs = dict(changes)
    if sending_password:
        plan.note_change("password")
        plan.after["password"] = PASSWORD_MARKER
        kwargs["password"] = desired["password"]
    if kwargs:
        parts = ["%s=%s" % (flag, _show(value)) for flag, value in sorted(changes.items())]
        if sending_password:
            parts.append("a new password")
        plan.add("update_login_profile", "update the login profile of %s: %s" % (upn, ", ".join(parts)), upn=upn, **kwargs)
    return plan


def _show(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def predicted_profile(current: dict[str, Any] | None, plan: Plan, upn: str) -> dict[str, Any] | None:
    """The profile a real run would leave behind, as far as the plan knows (no dates for a new profile)."""
    if plan.after.get("exists") is False:
        return None
    profile: dict[str, Any] = dict((key, None) for key in PROFILE_KEYS)
    profile.update(current or {})
    profile["user_principal_name"] = upn
    profile.update((flag, plan.after.get(flag)) for flag in FLAGS)
    return profile


def _request(params):
    """``(desired, update_password, enforce_login_flags)`` from the module options."""
    desired = dict((key, params.get(key)) for key in ("state", "password") + FLAGS)
    return desired, params.get("update_password") or "on_create", params.get("enforce_login_flags") or "on_create"


def validate_params(params: dict[str, Any]) -> dict[str, Any]:
    """Check the module options locally (the one validation of a ram_login_profile task); returns them."""
    desired, update_password, enforce_login_flags = _request(params)
    validate_upn("name", params.get("name"))
    validate_desired(desired, update_password, enforce_login_flags)
    return params


def ensure_login_profile(client: RamClient, params: dict[str, Any], check_mode: bool = False,
                         diff: bool = False) -> dict[str, Any]:
    """Run one ``ram_login_profile`` task: read, plan, apply unless ``check_mode``, re-read.

    ``params`` holds the module options (``name``, ``state``, ``password``, ``update_password``,
    ``enforce_login_flags`` and the flags), checked by :func:`validate_params`. Returns the module
    result (``warnings`` is a list for the caller to emit).
    """
    desired, update_password, enforce_login_flags = _request(params)
    upn = client.upn_for(params["name"])

    try:
        current = read_login_profile(client, upn)
    except MissingUserError:
        if (desired.get("state") or "present") == "absent":
            # no user, so certainly no login profile
            return _result(False, upn, None, Plan(before={"exists": False}, after={"exists": False}), diff)
        raise

    policy = client.get_password_policy() if password_will_be_sent(current, desired, update_password) else None
    plan = plan_login_profile(current, desired, update_password=update_password, policy=policy, user_name=upn,
                              enforce_login_flags=enforce_login_flags)

    if plan.changed and not check_mode:
        plan.apply(client)
        after = read_login_profile(client, upn)
        if diff:
            plan.after = _observed_view(after, plan)
    else:
        after = predicted_profile(current, plan, upn)
    return _result(plan.changed, upn, after, plan, diff)


def _observed_view(after, plan):
    """The diff ``after`` from the re-read profile (plus the password marker when one was sent)."""
    view = profile_view(after)
    if "password" in plan.after:
        view["password"] = plan.after["password"]
    return view


def _result(changed, upn, profile, plan, diff):
    result = {
        "changed": changed,
        "user_principal_name": upn,
        "login_profile": profile,
        "changed_fields": list(plan.changed_fields),
        "actions": plan.summaries(),
        "warnings": list(plan.warnings),
    }
    if diff:
        result["diff"] = plan.diff(before_header="login profile of %s" % upn, after_header="login profile of %s" % upn)
    return result


def read_login_profile_info(client: RamClient, name: str) -> dict[str, Any]:
    """For ``ram_login_profile_info``: ``{exists, user_principal_name, login_profile}``; a missing profile is not an error."""
    validate_upn("name", name)
    upn = client.upn_for(name)
    profile = read_login_profile(client, upn)
    return {"changed": False, "exists": profile is not None, "user_principal_name": upn, "login_profile": profile}
