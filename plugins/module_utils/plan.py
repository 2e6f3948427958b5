# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Plans: the list of API writes a reconciler decided on.

A reconciler reads the current state, compares it with what the task asks for,
and returns a :class:`Plan`. Check mode stops there and reports the plan; a
real run calls :meth:`Plan.apply`. Because both come from the same plan, the
check-mode prediction and the real run cannot disagree.

Step arguments may hold a password; only ``summary`` texts and the
``before``/``after`` dictionaries are ever shown, and they never hold one.

A step names a :class:`~api.RamClient` method. The name is checked when the
step is added, so a misspelt step fails in check mode too, not only on the
real run. When a step fails, the error carries ``completed``: the summaries
of the steps that were applied before it, so the failure can say that
something changed and what.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable

from ansible_collections.aliyun.ram.plugins.module_utils.api import RamClient


class Step:
    """One write: a :class:`RamClient` method name, its keyword arguments and a safe summary."""

    __slots__ = ("method", "kwargs", "summary")

    def __init__(self, method: str, summary: str, kwargs: dict[str, Any]) -> None:
        self.method = method
        self.summary = summary
        self.kwargs = kwargs

    def __repr__(self):
        # kwargs may carry a password: never part of the repr
        return "Step(%s: %s)" % (self.method, self.summary)


class Plan:
    """Ordered writes plus the before/after view of the managed fields."""

    def __init__(self, before: dict[str, Any] | None = None, after: dict[str, Any] | None = None) -> None:
        self.steps: list[Step] = []
        self.before = before if before is not None else {}
        self.after = after if after is not None else {}
        self.warnings: list[str] = []
        self.changed_fields: list[str] = []

    def add(self, method: str, summary: str, **kwargs: Any) -> Plan:
        if not callable(getattr(RamClient, method, None)) or method.startswith("_"):
            raise ValueError("plan step %r is not a RamClient method" % method)
        self.steps.append(Step(method, summary, kwargs))
        return self

    def extend(self, other: Plan) -> Plan:
        """Append another plan's steps, warnings and changed fields (used to compose reconcilers)."""
        self.steps.extend(other.steps)
        self.warnings.extend(other.warnings)
        self.changed_fields.extend(f for f in other.changed_fields if f not in self.changed_fields)
        return self

    def note_change(self, field: str) -> None:
        if field not in self.changed_fields:
            self.changed_fields.append(field)

    def compare_fields(self, current: dict[str, Any], desired: dict[str, Any], fields: Iterable[str]) -> dict[str, Any]:
        """Record before/after of each managed field (``desired`` None = unmanaged, a missing current value reads as "").

        Returns the changed fields as ``new_<field>`` keyword arguments, the shape of the RAM Update* calls.
        """
        update = {}
        for field in fields:
            want = desired.get(field)
            if want is None:
                continue
            have = current.get(field) or ""
            self.before[field] = have
            self.after[field] = want
            if have != want:
                update["new_" + field] = want
                self.note_change(field)
        return update

    @property
    def changed(self) -> bool:
        return bool(self.steps)

    def summaries(self) -> list[str]:
        return [step.summary for step in self.steps]

    def apply(self, client: RamClient) -> None:
        """Run every step in order; a failing step's error gets ``completed`` (the summaries applied before it)."""
        completed: list[str] = []
        for step in self.steps:
            try:
                getattr(client, step.method)(**step.kwargs)
            except Exception as exc:
                # a step that did part of its work before failing says so in step_completed
                exc.completed = completed + list(getattr(exc, "step_completed", ()))
                raise
            completed.append(step.summary)

    def diff(self, before_header: str | None = None, after_header: str | None = None) -> dict[str, Any]:
        diff: dict[str, Any] = {"before": self.before, "after": self.after}
        if before_header:
            diff["before_header"] = before_header
        if after_header:
            diff["after_header"] = after_header
        return diff


def set_changes(want: Iterable[Any], have: Iterable[Any], purge: bool,
                key: Callable[[Any], Any] | None = None) -> tuple[list[Any], list[Any], list[Any]]:
    """What to add and remove so ``have`` holds ``want``: ``(to_add, to_remove, kept)``, compared by ``key``.

    ``to_add`` keeps ``want``'s order; ``to_remove`` is empty unless ``purge``; ``kept`` is ``want`` plus, without
    ``purge``, the items of ``have`` that ``want`` does not name: the state after the change, before sorting.
    The one membership rule of group memberships and attached policies.
    """
    want, have = list(want), list(have)
    key = key or (lambda item: item)
    want_keys = set(key(item) for item in want)
    have_keys = set(key(item) for item in have)
    to_add = [item for item in want if key(item) not in have_keys]
    to_remove = [item for item in have if key(item) not in want_keys] if purge else []
    kept = want + ([] if purge else [item for item in have if key(item) not in want_keys])
    return to_add, to_remove, kept


def managed_setting_fields(desired: dict[str, Any] | None, all_fields: Iterable[str]) -> list[str]:
    """The fields of an account-wide setting that a task manages (value not None), in ``all_fields`` order."""
    desired = desired or {}
    return [field for field in all_fields if desired.get(field) is not None]


def plan_whole_setting(current: dict[str, Any] | None, desired: dict[str, Any], all_fields: Iterable[str], method: str,
                       what: str, same: Callable[[str, Any, Any], bool] = lambda _field, have, want: have == want) -> Plan:
    """One Set* call for an account-wide setting (the password policy, the security preference) if a managed field
    differs. It sends every field whose current value is known with the desired values on top, so a field the task
    does not manage keeps its value whether or not the service resets the fields it is not sent."""
    current = current or {}
    all_fields = tuple(all_fields)
    fields = managed_setting_fields(desired, all_fields)
    plan = Plan(before=dict((field, current.get(field)) for field in fields),
                after=dict((field, desired[field]) for field in fields))
    for field in fields:
        if not same(field, current.get(field), desired[field]):
            plan.note_change(field)
    if plan.changed_fields:
        merged = dict((field, value) for field, value in current.items() if field in all_fields and value is not None)
        merged.update((field, desired[field]) for field in fields)
        plan.add(method, "set %s fields: %s" % (what, ", ".join(plan.changed_fields)), **merged)
    return plan


def predicted_setting(current: dict[str, Any] | None, desired: dict[str, Any], all_fields: Iterable[str]) -> dict[str, Any]:
    """The setting a real run of :func:`plan_whole_setting` would leave behind (check mode reports this)."""
    after = dict(current or {})
    after.update((field, desired[field]) for field in managed_setting_fields(desired, all_fields))
    return after


def reconcile(client: RamClient, plan: Plan, check_mode: bool, predict: Callable[[], dict[str, Any] | None],
              reread: Callable[[], dict[str, Any] | None]) -> dict[str, Any] | None:
    """The one tail of every reconciler: apply ``plan`` unless in check mode, and say what the object is after.

    A real run that changed something re-reads (``reread()``); check mode, and a run with nothing to change,
    report ``predict()``: what the plan leaves behind, computed without a call. So the prediction and the
    real run come from the same plan and cannot disagree.
    """
    if plan.changed and not check_mode:
        plan.apply(client)
        return reread()
    return predict()


def task_result(plan: Plan, name: str, value: Any, diff: bool = False, header: str | None = None,
                **extra: Any) -> dict[str, Any]:
    """The module result every reconciler returns: ``changed``, ``<name>: value``, ``changed_fields``,
    ``actions`` (one safe line per write, done or planned), ``warnings`` (for the caller to emit) and, with
    ``diff``, the before/after view (``header`` names the object in it)."""
    result = {
        "changed": plan.changed,
        name: value,
        "changed_fields": list(plan.changed_fields),
        "actions": plan.summaries(),
        "warnings": list(plan.warnings),
    }
    result.update(extra)
    if diff:
        result["diff"] = plan.diff(before_header=header, after_header=header)
    return result
