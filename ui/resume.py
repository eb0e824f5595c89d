"""What a lock discards, said plainly: the note shown after unlocking.

The choice: the journal is the only record of the procedure, and the lock
is a security boundary — once the terminal locks, whatever was on screen
must be gone for the next person at the terminal. A lock does **not** keep
an approval waiting for key touches (nor a PIN: the key panel is cleared),
and the flow itself is dropped. Since issue 22 the *typed answers* of an
incident's step (and of the steps before it that recorded nothing) are kept
— not on screen, but in the journal's encrypted store, opened only by the
next unlock (:mod:`ui.screens.form_drafts`) — and put back when the step is
on screen again; the note then says they were kept rather than cleared.
After unlocking, the dashboard's "Continue" starts the next flow from the journal alone (the core's
:func:`kiosk.procedures.navigation.next_flow`), and the flows themselves
refuse any step whose prerequisite is not recorded, so nothing can be skipped.

What serious software must not do is discard silently: :func:`lock_note`
builds one sentence naming the procedure, the step on screen, the answers
that were typed there (their labels, never their values) and the steps that
must be answered again; the main window shows it on the dashboard after the
next unlock. Everything recorded before the lock is kept and says so.

Invariants:

* the note names field *labels* only — never a typed value (a value may be
  a reason, a name, a serial; the note outlives the unlocked session);
* ``None`` when nothing unrecorded was lost (no flow open, or a flow whose
  every answered step is in the journal and nothing typed on the current
  step), so an ordinary lock shows nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtCore import QCoreApplication

from kiosk.procedures import Flow


def unrecorded_steps(flow: Flow) -> list[str]:
    """Titles of answered steps of ``flow`` that record nothing (redone after a lock).

    A step that declares no journal kinds (``Step.records`` empty) only
    prepared the next one — e.g. the reviewed record before signing — so a
    fresh flow asks it again.
    """
    seen: list[str] = []
    for name in flow.history:
        step = flow.steps.get(name)
        if step is not None and not step.records and step.title not in seen:
            seen.append(step.title)
    return seen


def lock_note(
    flow: Flow | None,
    typed: Sequence[str],
    *,
    busy: bool = False,
    paused: Iterable[Flow] = (),
    kept: bool = False,
    declared: bool = True,
) -> str | None:
    """The sentence to show after unlocking, or ``None`` when nothing unrecorded was lost.

    ``flow`` is the flow on screen when the terminal locked, ``typed`` the
    labels of its current step's answers that were filled in but not
    submitted, ``busy`` whether an approval or print was under way, and
    ``paused`` the flows left half-way with "Back to the dashboard".
    ``kept``: the typed answers of the flow on screen were kept in the
    journal's encrypted store (:mod:`ui.screens.form_drafts`, issue 22) and
    come back when its step is on screen again. ``declared``: the incident of
    the flow on screen exists in the journal (false for a declaration not yet
    recorded: there is no incident to press Continue beside).
    """
    parts: list[str] = []
    open_flows = [f for f in (flow, *paused) if f is not None and not f.done]
    if flow is not None and not flow.done:
        step = flow.step.title
        if busy:
            parts.append(
                QCoreApplication.translate(
                    "LockNote",
                    "The terminal locked while «{flow}» was waiting at step «{step}»: "
                    "that step was cancelled and nothing of it was recorded.",
                ).format(flow=flow.title, step=step)
            )
        elif typed and kept:
            parts.append(
                QCoreApplication.translate(
                    "LockNote",
                    "The terminal locked during «{flow}», step «{step}»: what was typed "
                    "there was kept ({fields}) and comes back when you go on with it.",
                ).format(flow=flow.title, step=step, fields=", ".join(typed))
            )
        elif typed:
            parts.append(
                QCoreApplication.translate(
                    "LockNote",
                    "The terminal locked during «{flow}», step «{step}»: what was typed "
                    "there and not yet recorded was cleared ({fields}). Enter it again.",
                ).format(flow=flow.title, step=step, fields=", ".join(typed))
            )
    for f in open_flows:
        redo = unrecorded_steps(f)
        if redo and kept and f is flow:
            parts.append(
                QCoreApplication.translate(
                    "LockNote",
                    "«{flow}»: these answered steps are not recorded and will be asked "
                    "again, with the answers typed before the lock filled in: {steps}.",
                ).format(flow=f.title, steps=", ".join(f"«{s}»" for s in redo))
            )
        elif redo:
            parts.append(
                QCoreApplication.translate(
                    "LockNote",
                    "«{flow}»: these answered steps are not recorded and will be asked "
                    "again: {steps}.",
                ).format(flow=f.title, steps=", ".join(f"«{s}»" for s in redo))
            )
    if not parts:
        return None
    if declared:
        last = QCoreApplication.translate(
            "LockNote",
            "Everything recorded before the lock is kept in the journal. "
            "Press Continue beside the incident to go on from there.",
        )
    else:
        last = QCoreApplication.translate(
            "LockNote",
            "Everything recorded before the lock is kept in the journal. The emergency is "
            "not declared yet: press Declare an emergency to go on.",
        )
    parts.append(last)
    return "\n".join(parts)
