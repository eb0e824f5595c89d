"""The flow screen's typed answers, kept across a lock and put back (issue 22).

When the terminal locks (idle or by hand) in the middle of an incident's
form, what was typed on the step on screen — and on the steps before it
that recorded nothing, which a fresh flow asks again (the invocation's
"Who, what and why" before the approver's calls) — is kept in the journal's
encrypted store (:mod:`kiosk.journal.drafts`) before the journal closes.
After the next unlock, when the same step of the same incident's flow is on
screen again, the answers are put back and the screen says so ("Your
answers from 14:02 were kept").

A step's draft is forgotten once the step is recorded, every draft of a
flow once it is done, and every draft of an incident once it ends (stood
down, returned, closed: :meth:`kiosk.journal.drafts.Drafts.prune`). The
PIN is never among the answers: it is typed in the key panel, not in a
field, and the store drops any field named like a secret. Scans and
confirmations are not kept either: a scan attests that the envelope or
sheet is in the hands of whoever is at the terminal now, a ticked
confirmation that they checked — after a lock both are given again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from kiosk.errors.messages import render
from kiosk.format.clock import format_ts, parse_ts
from kiosk.journal.drafts import Draft
from kiosk.procedures import Flow
from kiosk.procedures.fields import field_kind
from ui.screens.fields import FieldEditor


def incident_of(flow: Flow | None) -> str | None:
    """The incident a flow belongs to (the one it will declare, for the declaration)."""
    incident = getattr(flow, "incident", None)
    return incident if isinstance(incident, str) and incident else None


class FormDrafts:
    """Saves at a lock, restores at a step, forgets once recorded; see the module."""

    def __init__(self) -> None:
        #: answers of this flow's steps that were submitted but recorded nothing
        self.unrecorded: dict[str, dict[str, Any]] = {}
        self._flow: Flow | None = None

    def started(self, flow: Flow) -> None:
        if flow is not self._flow:
            self._flow = flow
            self.unrecorded = {}

    def save(self, flow: Flow | None, current: Mapping[str, Any]) -> bool:
        """Keep the typed answers of ``flow`` (the journal still open); True if any was kept."""
        incident = incident_of(flow)
        if flow is None or flow.done or incident is None:
            return False
        drafts = flow.ctx.journal.drafts
        saved = format_ts(flow.ctx.now())
        answers = {**self.unrecorded, flow.step.name: dict(current)}
        kept = False
        for step, values in answers.items():
            if step == flow.step.name or step in flow.history:
                typed = typed_only(flow, step, values)
                drafts.save(flow.name, incident, step, typed, saved)
                kept = kept or bool(typed)
        return kept

    def restore(self, flow: Flow, editors: Mapping[str, FieldEditor], timezone: str) -> str | None:
        """Put back the kept answers of the step on screen; the sentence saying so, or None."""
        incident = incident_of(flow)
        if incident is None or flow.done:
            return None
        draft = flow.ctx.journal.drafts.load(flow.name, incident, flow.step.name)
        if draft is None:
            return None
        for name, editor in editors.items():  # in the step's order: what applies shows first
            if name in draft.answers:
                editor.restore(draft.answers[name])
        return render("forms.draft_restored", {"time": local_time(draft, timezone)})

    def submitted(self, flow: Flow, step: str, values: Mapping[str, Any], recorded: bool) -> None:
        """A step went through: its draft is forgotten once recorded (all of them when done)."""
        incident = incident_of(flow)
        if incident is None:
            return
        drafts = flow.ctx.journal.drafts
        if recorded:
            drafts.clear(flow.name, incident, step)
            self.unrecorded.pop(step, None)
        else:
            self.unrecorded[step] = dict(values)
        if flow.done:
            drafts.clear(flow.name, incident)
            self.unrecorded = {}
        if recorded:  # a stand-down or a closing entry ends the incident's drafts too
            drafts.prune(flow.ctx.journal.state)


#: kinds never kept: a scan attests that the envelope, bag or sheet is here now,
#: and a confirmation ("The record is complete and correct", "… acknowledges")
#: that whoever is at the terminal now checked it — after a lock both are
#: given again, by the people there then
NOT_KEPT = ("scan", "scanlist", "confirm")


def typed_only(flow: Flow, step: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` without the step's scans and confirmations (see :data:`NOT_KEPT`)."""
    spec = flow.steps.get(step)
    skip = {f.name for f in spec.fields if field_kind(f) in NOT_KEPT} if spec else set()
    return {k: v for k, v in values.items() if k not in skip}


def local_time(draft: Draft, timezone: str) -> str:
    """When the draft was kept, as people read a clock here ("14:02")."""
    try:
        when = parse_ts(draft.saved)
    except ValueError:
        return draft.saved
    return when.astimezone(ZoneInfo(timezone)).strftime("%H:%M")


__all__ = ["FormDrafts", "incident_of", "local_time"]
