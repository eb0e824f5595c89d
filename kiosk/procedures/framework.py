"""A small, GUI-neutral wizard framework for the break-glass procedure.

In the style of Electrum's ``wizard.py``: a :class:`Flow` is a set of named
:class:`Step` objects; each step states the fields it needs
(:class:`Field`, each with its own validation), the journal kinds it
records, and which steps may come next. A screen renders
``flow.step`` and calls ``flow.submit(values)``; a test does the same
without Qt.

Invariants (kept by :meth:`Flow.submit`, the only way forward):

* a flow cannot skip a step: only the current step can be submitted, and
  the step's ``run`` must name a next step from its declared ``next``;
* every field is validated before anything is recorded: a missing required
  field, an unknown field or a value its parser refuses comes back as a
  field error (a sentence from :mod:`kiosk.errors.messages`) and nothing is written;
* what a step records goes through the journal only (``Context.append`` or
  ``Context.dual``); a refused approval or transition comes back as an error
  on the step, with the pending entry abandoned, and the flow stays put;
* before every step is recorded the deadline model is checked, so an overdue deadline
  is alerted (one ``alert.raised`` entry, one slip) as soon as anyone acts.

The fields and their parsers are :mod:`kiosk.procedures.fields`; the
:class:`~kiosk.procedures.context.Context` through which a flow reaches the
journal, the keys and the printer is :mod:`kiosk.procedures.context`. Below
the flow are the helpers the flows share for an incident's entries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kiosk.errors import SealroomError
from kiosk.format.clock import format_ts
from kiosk.format.entry import Entry
from kiosk.policy import Policy
from kiosk.procedures.context import Context
from kiosk.procedures.fields import Field, FieldProblem, ProcedureError, applicable, blank
from kiosk.procedures.lists import check_registered
from kiosk.state import State
from kiosk.state.incidents import Incident


def policy_unapproved(policy: Policy, state: State) -> bool:
    """True if ``policy`` (the file in use) is not the one the journal last recorded."""
    return policy.sha256 != state.policy_hash


# -- steps and flows ---------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One screen of a flow."""

    name: str
    title: str
    fields: tuple[Field, ...]
    run: Callable[[dict[str, Any]], str | None]
    next: tuple[str, ...] = ()
    records: tuple[str, ...] = ()
    help: str = ""
    #: a step taken only when something goes wrong (a failed reset, a discrepancy, an
    #: escalation): the step bar lists it once it is reached, not as a step to expect
    branch: bool = False

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)


@dataclass
class Result:
    """What a submit did: field errors (nothing recorded) or the entries it recorded."""

    ok: bool
    errors: dict[str, str] = field(default_factory=dict)
    codes: dict[str, str] = field(default_factory=dict)
    entries: list[Entry] = field(default_factory=list)
    next: str | None = None

    @property
    def done(self) -> bool:
        return self.ok and self.next is None


FORM = "_form"  # key of errors that belong to the whole step, not one field


class Flow:
    """A sequence of steps; see the module invariants."""

    name = "flow"
    title = "Flow"
    #: Only the flow that approves a changed policy file may run before it is approved.
    runs_under_changed_policy = False

    def __init__(self, ctx: Context, first: str) -> None:
        self.ctx = ctx
        self.steps: dict[str, Step] = {}
        self.current: str | None = first
        self.history: list[str] = []
        self.info: dict[str, Any] = {}
        self.recorded: list[Entry] = []

    # -- building ---------------------------------------------------------------------
    def add(self, step: Step) -> None:
        self.steps[step.name] = step

    @property
    def step(self) -> Step:
        if self.current is None:
            raise ProcedureError("procedure.flow_done", flow=self.title)
        return self.steps[self.current]

    @property
    def done(self) -> bool:
        return self.current is None

    # -- the only way forward -------------------------------------------------------------
    def submit(self, values: Mapping[str, Any] | None = None) -> Result:
        values = dict(values or {})
        if self.current is None:
            err = ProcedureError("procedure.flow_done", flow=self.title)
            return Result(False, {FORM: err.user_message()}, {FORM: err.code})
        if not self.runs_under_changed_policy and policy_unapproved(
            self.ctx.policy, self.ctx.journal.state
        ):
            # A changed policy file is approved under dual control first
            # (kiosk.procedures.policy_change): one person must not change the rules.
            err = ProcedureError(
                "procedure.policy_unapproved", policy_hash=self.ctx.policy.sha256[:16]
            )
            return Result(False, {FORM: err.user_message()}, {FORM: err.code})
        step = self.step
        clean: dict[str, Any] = {}
        errors: dict[str, str] = {}
        codes: dict[str, str] = {}
        known = {f.name for f in step.fields}
        for name in sorted(set(values) - known):
            err = ProcedureError("procedure.unknown_field", field=name, step=step.title)
            errors[name], codes[name] = err.user_message(), err.code
        # A field that does not apply (its condition on another answer fails) is
        # not asked, and what it held is dropped: never recorded hidden (issue 22).
        applies = applicable(step.fields, values)
        for f in step.fields:
            if f.name not in applies:
                values.pop(f.name, None)
        state = self.ctx.journal.state
        for f in step.fields:
            if f.name not in applies:
                continue
            raw = values.get(f.name)
            if blank(raw):
                if f.required:
                    err = ProcedureError(f.missing, field=f.label)
                    errors[f.name], codes[f.name] = err.user_message(), err.code
                continue
            try:
                clean[f.name] = f.parse(raw)
                check_registered(f, clean[f.name], state)
            except SealroomError as exc:
                errors[f.name] = f"{f.label}: {exc.user_message()}"
                codes[f.name] = exc.code
        if errors:
            return Result(False, errors, codes)
        # An overdue deadline is alerted before the late step itself is recorded.
        self.ctx.check_deadlines()
        before = self.ctx.journal.head.seq
        try:
            nxt = step.run(clean)
        except FieldProblem as exc:
            return Result(False, {exc.field: exc.user_message()}, {exc.field: exc.code})
        except SealroomError as exc:
            return Result(False, {FORM: exc.user_message()}, {FORM: exc.code}, self._since(before))
        if nxt is not None and nxt not in step.next:
            raise RuntimeError(f"step {step.name} went to undeclared step {nxt}")
        self.history.append(step.name)
        self.current = nxt
        entries = self._since(before)
        self.recorded.extend(entries)
        # A step that closed an incident makes a backup due at once: written now
        # where the medium is always mounted (kiosk/terminal/backup_duty.py).
        self.ctx.backup_if_due()
        return Result(True, entries=entries, next=nxt)

    def _since(self, seq: int) -> list[Entry]:
        return list(self.ctx.journal.entries(seq + 1))

    def run_all(self, answers: Mapping[str, Mapping[str, Any]]) -> list[Result]:
        """Submit ``answers[step]`` for each step until done (headless driving)."""
        out = []
        while self.current is not None:
            name = self.current
            result = self.submit(answers.get(name, {}))
            out.append(result)
            if not result.ok:
                raise ProcedureError(
                    "procedure.step_failed", step=name, reason="; ".join(result.errors.values())
                )
        return out


# -- helpers shared by the flows -----------------------------------------------------------


def incident_of(ctx: Context, incident: str) -> Incident:
    inc = ctx.journal.state.incidents.get(incident)
    if inc is None:
        raise ProcedureError("procedure.no_incident", incident=incident)
    return inc


def tagged(inc: Incident, data: dict[str, Any]) -> dict[str, Any]:
    """``data`` marked as a test when the incident is a drill (every entry of it is)."""
    if inc.test:
        data["test"] = True
    return data


def dual_for(
    ctx: Context,
    inc: Incident,
    kind: str,
    data: dict[str, Any],
    by: Sequence[str] | None = None,
) -> Entry:
    """A dual entry of an incident: both persons, or one under the solo-access exception.

    ``by`` names other signers (e.g. security staff for a reset); then the
    solo-access exception does not apply.
    """
    if by is not None:
        return ctx.dual(kind, tagged(inc, data), by)
    if inc.solo:
        data["exception"] = "solo-access"
    return ctx.dual(kind, tagged(inc, data), list(inc.people), solo=inc.solo)


def ts(when_: dt.datetime) -> str:
    return format_ts(when_)
