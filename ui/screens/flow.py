"""The one screen that walks people through any ``kiosk.procedures`` flow.

It renders ``flow.step`` from its fields (:mod:`ui.screens.fields`) and
forwards what was entered to ``flow.submit`` — on a worker, because a step
may wait for key touches (:class:`ui.procedure_devices.QtSignatures`) and
printing (:class:`ui.procedure_devices.QtPaper`). It holds no business rule.

Invariants:

* only the current step is ever shown and submitted: there is no control
  that moves to another step (``Flow.submit`` is the only way forward, and
  it refuses anything else);
* a refused submit shows each field's sentence under that field and the
  step's own refusal in the banner; nothing moves;
* while a step is working, the fields and Submit are disabled, the key or
  printer panel says what is awaited, and Cancel is always reachable;
* the step bar names every step of the flow with the current one marked,
  the time since the flow began and the next deadline counting down;
* a scan (``ScanFilter.scanned``) fills the step's scan field without
  clicking it; a serial that fails its pattern or check digit says so at once.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from kiosk.errors import CancelledError, SealroomError
from kiosk.errors.messages import render
from kiosk.procedures import FORM, Flow, Result
from kiosk.procedures.navigation import next_flow
from kiosk.scan import validate_serial
from kiosk.state import due as deadlines
from ui.app_context import AppContext
from ui.kind_names import recorded_entries_phrase
from ui.resume import lock_note
from ui.screens.fields import FieldEditor
from ui.screens.form_drafts import FormDrafts, incident_of
from ui.screens.form_logic import FormLogic
from ui.screens.key_panel import KeyPanel
from ui.screens.print_panel import PrintPanel
from ui.screens.record_preview import record_box
from ui.screens.step_bar import StepBar, countdown
from ui.terminal_session import Session, last_unlocked_by
from ui.widgets import Banner, big_button, body, heading
from ui.workers import Handle

__all__ = ["FlowScreen", "StepBar", "countdown"]


class FlowScreen(QWidget):
    """Renders and drives one flow; see the module invariants."""

    closed = Signal()
    finished = Signal(object)  # the Flow

    def __init__(self, app: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.session: Session | None = None
        self.flow: Flow | None = None
        self.editors: dict[str, FieldEditor] = {}
        self.logic: FormLogic | None = None
        self.drafts = FormDrafts()  # typed answers kept across a lock (issue 22)
        self.restored_note: str | None = None
        self._sent: dict[str, Any] = {}
        self._handle: Handle | None = None
        self.started_at: dt.datetime | None = None
        self.next_due: tuple[str, dt.datetime] | None = None
        self.last_result: Result | None = None
        self.continuation: tuple[str, Callable[..., Flow]] | None = None
        self.signed_log: list[str] = []  # every approval seen on this screen, in order
        #: incident id -> its flow left half-way with "Back to the dashboard"; the
        #: dashboard's Continue resumes that same flow at its current step. Kept
        #: until the terminal locks (the flow belongs to the unlocked session).
        self.paused: dict[str, Flow] = {}
        #: what the last lock discarded unrecorded (ui.resume.lock_note), shown after unlock
        self.lock_note: str | None = None
        self.setObjectName("flowScreen")

        outer = QVBoxLayout(self)
        outer.setContentsMargins(40, 24, 40, 24)
        outer.setSpacing(14)
        top = QHBoxLayout()
        self.title = heading("", self)
        top.addWidget(self.title, 1)
        self.close_button = big_button(
            self.tr("Back to the dashboard"), self.tr("Leave this procedure"), self
        )
        self.close_button.clicked.connect(self.close_flow)
        top.addWidget(self.close_button)
        outer.addLayout(top)
        self.bar = StepBar(self)
        outer.addWidget(self.bar)
        self.step_title = heading("", self, 2)
        outer.addWidget(self.step_title)
        self.step_help = body("", self)
        outer.addWidget(self.step_help)
        self.banner = Banner(self)
        outer.addWidget(self.banner)

        self.scroller = QScrollArea(self)
        self.scroller.setAccessibleName(self.tr("This step's questions"))
        self.scroller.setWidgetResizable(True)
        self.scroller.setFrameShape(QFrame.Shape.NoFrame)
        self.form_host = QWidget()
        self.form = QVBoxLayout(self.form_host)
        self.form.setContentsMargins(0, 0, 12, 0)
        self.scroller.setWidget(self.form_host)
        outer.addWidget(self.scroller, 1)

        self.keys = KeyPanel(self)
        self.keys.pin.returnPressed.connect(self.send_pin)
        self.keys.pin_ok.clicked.connect(self.send_pin)
        self.keys.again.clicked.connect(self.try_key_again)
        outer.addWidget(self.keys)
        self.printing = PrintPanel(self)
        self.printing.decided.connect(self._print_decision)
        outer.addWidget(self.printing)

        row = QHBoxLayout()
        self.submit_button = big_button(
            self.tr("Record this step"), self.tr("Record this step"), self, True
        )
        self.submit_button.clicked.connect(self.submit)
        row.addWidget(self.submit_button)
        self.cancel_button = big_button(self.tr("Cancel"), self.tr("Cancel what is running"), self)
        self.cancel_button.clicked.connect(self.cancel)
        row.addWidget(self.cancel_button)
        self.continue_button = big_button("", self.tr("Continue the procedure"), self, True)
        self.continue_button.clicked.connect(self.continue_flow)
        row.addWidget(self.continue_button)
        row.addStretch(1)
        outer.addLayout(row)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.submit)

        self.ticker = QTimer(self)
        self.ticker.setInterval(1000)
        self.ticker.timeout.connect(self.tick)
        self.keys.reset()
        self.printing.reset()

    # ------------------------------------------------------------ session
    def attach(self, session: Session) -> None:
        """Connect the session's device bridges to this screen (once per unlock)."""
        self.session = session
        p, s, paper = session.prompts, session.signatures, session.paper
        p.pin_requested.connect(self._ask_pin)
        p.touch_requested.connect(self._ask_touch)
        p.blocked.connect(
            lambda: self.banner.show_message(self.tr("This key's PIN is blocked."), "error")
        )
        s.asking.connect(self._asking)
        s.signed.connect(self._signed)
        s.refused.connect(self._refused)
        s.plugged.connect(self._plugged)
        paper.progress.connect(self.printing.progress)
        paper.failed.connect(self._print_failed)
        paper.printed.connect(self.printing.printed)

    def detach(self) -> None:
        """The terminal locks: drop the flow, saying what unrecorded was lost (ui.resume)."""
        typed = [e.spec.label for e in self.editors.values() if self.flow and not e.is_empty()]
        kept = self.flow is not None and self.drafts.save(self.flow, self.values())
        incident = incident_of(self.flow)
        declared = (
            incident is None
            or self.flow is None
            or self.flow.ctx.journal.state.incidents.get(incident) is not None
        )
        self.lock_note = lock_note(
            self.flow,
            typed,
            busy=self.busy,
            paused=list(self.paused.values()),
            kept=kept,
            declared=declared,
        )
        self.cancel()
        self.keys.reset()  # a PIN typed and not sent never outlives the lock
        self.session = None
        self.flow = None
        self.paused.clear()
        self.ticker.stop()

    # -------------------------------------------------------------- start
    def start(self, flow: Flow) -> None:
        incident = getattr(flow, "incident", None)
        if isinstance(incident, str):
            self.paused.pop(incident, None)
        self.flow = flow
        self.drafts.started(flow)
        self.started_at = self._now()
        self.title.setText(self.tr(flow.title))
        self.title.setAccessibleName(self.tr(flow.title))
        self.banner.clear_message()
        self.continuation = None
        self.render_step()
        self.ticker.start()

    def _now(self) -> dt.datetime:
        if self.session is not None:
            return self.session.ctx.now()
        return self.app.clock.now()

    def render_step(self) -> None:
        flow = self.flow
        if flow is None:
            return
        while self.form.count():
            item = self.form.takeAt(0)
            w = item.widget() if item is not None else None
            if w is not None:
                w.deleteLater()
        self.editors = {}
        self.logic = None
        self.keys.reset()
        self.printing.reset()
        self.bar.show_steps(flow)
        self._find_deadline()
        self.tick()
        if flow.done:
            self._show_done()
            return
        step = flow.step
        self.step_title.setText(step.title)
        self.step_title.setAccessibleName(step.title)
        self.step_help.setText(step.help)
        self.step_help.setVisible(bool(step.help))
        state = flow.ctx.journal.state
        preview = getattr(flow, "record_preview", None)
        if step.name == "declare" and callable(preview):
            self.form.addWidget(record_box(preview(), self.form_host))
        for spec in step.fields:
            editor = FieldEditor(
                spec, state, self.app.policy.timezone, self.form_host, now=self._now
            )
            self.form.addWidget(editor)
            editor.show()  # now, not at the next event-loop turn: a scan may come at once
            self.editors[spec.name] = editor
        self.logic = FormLogic(self.editors, step.fields, state)  # what applies (issue 22)
        self._prefill_declarer()
        self.restored_note = self.drafts.restore(flow, self.editors, self.app.policy.timezone)
        if self.restored_note:
            self.banner.show_message(self.restored_note, "info")
        self.form.addStretch(1)
        self.continue_button.hide()  # first: both at once widened the window (issue 22)
        self.submit_button.show()
        self._set_busy(False)
        first = next(iter(self.editors.values()), None)
        (first.focus_target() if first is not None else self.submit_button).setFocus()
        self.scroller.verticalScrollBar().setValue(0)  # a new step shows its first question

    def _prefill_declarer(self) -> None:
        """The declaring custodian is, to begin with, whoever unlocked with their key."""
        editor = self.editors.get("declared_by")
        if editor is None or self.flow is None or not hasattr(editor, "combo"):
            return
        who = last_unlocked_by(self.flow.ctx.journal)
        index = editor.combo.findData(who) if who is not None else -1
        if index > 0 and editor.combo.currentIndex() <= 0:
            editor.combo.setCurrentIndex(index)

    def _show_done(self) -> None:
        flow = self.flow
        if flow is None:
            return
        self.step_title.setText(self.tr("Done — {title}").format(title=flow.title))
        outcome = flow.info.get("outcome")
        if outcome == "no-alternative":
            others = ", ".join(flow.info.get("alternative_accounts") or ())
            text = self.tr(
                "No other sealed envelope exists for this account. Escalate to the "
                "security team now with the alert slip."
            )
            if others:
                text += " " + self.tr(
                    "Alternative break-glass accounts of the same system: {others}."
                ).format(others=others)
            self.step_help.setText(text)
        else:
            self.step_help.setText(
                self.tr("Every step is recorded in the journal ({n} entries).").format(
                    n=len(flow.recorded)
                )
            )
        self.step_help.show()
        self.submit_button.hide()
        self.cancel_button.hide()
        self.close_button.setEnabled(True)
        self.continuation = None
        incident = getattr(flow, "incident", None)
        if self.session is not None and isinstance(incident, str):
            inc = flow.ctx.journal.state.incidents.get(incident)
            if inc is not None:
                self.continuation = next_flow(
                    flow.ctx.journal.state, inc, flow.ctx.policy.solo_signoff_first
                )
        if self.continuation is not None and outcome != "no-alternative":
            label = self.tr("Continue: {next}").format(next=self.continuation[0])
            self.continue_button.setText(label)
            self.continue_button.setAccessibleName(label)
            self.continue_button.show()
            self.continue_button.setFocus()
        else:
            self.continue_button.hide()
            self.close_button.setFocus()
        self.finished.emit(flow)

    def continue_flow(self) -> None:
        if self.continuation is None or self.session is None:
            return
        _, factory = self.continuation
        try:
            flow = factory(self.session.ctx)
        except SealroomError as exc:
            self.banner.show_message(exc.user_message(), "error")
            return
        self.start(flow)

    # ----------------------------------------------------------- timing
    def _find_deadline(self) -> None:
        """The next open deadline of this flow's incident (or of the terminal)."""
        self.next_due = None
        if self.flow is None:
            return
        state = self.flow.ctx.journal.state
        subject = getattr(self.flow, "incident", None) or getattr(self.flow, "account", None)
        try:
            open_ = deadlines.pending(deadlines.compute(state, self.app.policy))
        except SealroomError:
            return
        # An incident's deadlines include its account's and its envelopes' (the
        # credential rotation within 24 h is the opened envelope's): "Next deadline"
        # showed the review in 7 days before the rotation in 23 h (issue 22).
        subjects = {subject}
        inc = state.incidents.get(subject) if isinstance(subject, str) else None
        if inc is not None:
            subjects.update((inc.account, inc.envelope_opened, *inc.envelopes_checked_out))
            # "Elapsed" counts from the declaration, not from this screen
            self.started_at = inc.declared_at
        mine = [d for d in open_ if subject is None or d.subject in subjects]
        if mine:
            d = min(mine, key=lambda d: d.due)
            self.next_due = (d.label, d.due)

    def tick(self) -> None:
        if self.flow is None or self.started_at is None:
            return
        now = self._now()
        elapsed = now - self.started_at
        minutes, secs = divmod(max(0, int(elapsed.total_seconds())), 60)
        text = self.tr("Elapsed {m} min {s:02d} s").format(m=minutes, s=secs)
        if self.next_due is not None:
            label, due = self.next_due
            text += self.tr("   ·   Next deadline: {label} — {left}").format(
                label=label, left=countdown(due - now)
            )
        self.bar.times.setText(text)

    # ------------------------------------------------------------ submit
    @property
    def busy(self) -> bool:
        return self._handle is not None and not self._handle.finished

    def _set_busy(self, busy: bool) -> None:
        self.submit_button.setEnabled(not busy)
        self.close_button.setEnabled(not busy)
        self.cancel_button.setVisible(busy)
        for e in self.editors.values():
            e.input.setEnabled(not busy)

    def values(self) -> dict[str, Any]:
        return self.logic.values() if self.logic is not None else {}

    def submit(self) -> None:
        if self.flow is None or self.session is None or self.busy or self.flow.done:
            return
        flow, session = self.flow, self.session
        values = self._sent = self.values()
        for e in self.editors.values():
            e.set_error(None)
        self.banner.show_message(self.tr("Recording…"))
        self._titles_before = len(session.paper.titles)  # to name what this step printed
        self._set_busy(True)

        def job(cancel: threading.Event, progress: Callable[[str], None]) -> Result:
            session.signatures.cancel = cancel
            session.paper.cancel = cancel
            session.prompts.cancel = cancel
            return flow.submit(values)

        self._handle = self.app.runner.submit(job, self._submitted, self._failed)

    def _submitted(self, result: object) -> None:
        self._set_busy(False)
        if not isinstance(result, Result):
            return
        self.last_result = result
        if not result.ok:
            self.keys.reset()
            self.printing.reset()
            for name, message in result.errors.items():
                editor = self.editors.get(name)
                if editor is not None:
                    editor.set_error(message)
            form = result.errors.get(FORM)
            unplaced = [m for n, m in result.errors.items() if n != FORM and n not in self.editors]
            if form or unplaced:
                tone = "info" if result.codes.get(FORM) == "cancelled" else "error"
                self.banner.show_message("\n".join([m for m in [form, *unplaced] if m]), tone)
            else:
                self.banner.show_message(
                    self.tr("Some answers need attention — see the messages under them."), "error"
                )
            bad = next((self.editors[n] for n in result.errors if n in self.editors), None)
            if bad is not None:
                bad.focus_target().setFocus()
                self.scroller.ensureWidgetVisible(bad)
            return
        # plain words, each entry named for what it is (an approval is not "an attempt")
        kinds = recorded_entries_phrase((e.kind, e.data) for e in result.entries)
        if self.flow is not None and self.flow.history:
            self.drafts.submitted(
                self.flow, self.flow.history[-1], self._sent, bool(result.entries)
            )
        self.render_step()
        titles = self.session.paper.titles if self.session is not None else []
        printed = titles[getattr(self, "_titles_before", len(titles)) :]
        if kinds and printed:  # the print panel is reset with the step: keep the news here
            self.banner.show_message(
                self.tr("Recorded: {kinds}. Printed: {titles} — take it from the printer.").format(
                    kinds=kinds, titles=", ".join(printed)
                ),
                "ok",
            )
        elif kinds:
            self.banner.show_message(self.tr("Recorded: {kinds}").format(kinds=kinds), "ok")
        else:  # a step that only prepares the next one: say so, not "Recorded: nothing"
            self.banner.show_message(
                self.tr("Answer taken — nothing is recorded until the step below."), "info"
            )
        if self.restored_note:  # the next step's answers came back: say so too
            self.banner.show_message(self.banner.text() + "\n" + self.restored_note, "info")

    def _failed(self, error: SealroomError) -> None:
        self._set_busy(False)
        self.keys.reset()
        self.printing.reset()
        tone = "info" if isinstance(error, CancelledError) else "error"
        self.banner.show_message(error.user_message(), tone)

    def cancel(self) -> None:
        if self._handle is not None and not self._handle.finished:
            self._handle.cancel()
        if self.session is not None and self.busy:
            self.session.prompts.answer(None)

    def close_flow(self) -> None:
        """Back to the dashboard; a flow left half-way is kept so Continue resumes it."""
        if self.busy:
            return
        self.ticker.stop()
        flow, self.flow = self.flow, None
        incident = getattr(flow, "incident", None)
        if flow is not None and not flow.done and flow.history and isinstance(incident, str):
            self.paused[incident] = flow
        self.closed.emit()

    # ---------------------------------------------------------- keys
    def _asking(self, role: str, name: str) -> None:
        self.keys.ask(role, name)
        self.keys.show_pin(False)
        self.banner.clear_message()

    def _signed(self, role: str, name: str) -> None:
        self.signed_log.append(self.keys.approved(role, name))
        self.keys.prompt.setText(self.tr("Approved. Recording…"))

    def _refused(self, message: str) -> None:
        self.keys.show()
        self.keys.show_pin(False)
        self.keys.again.show()
        self.keys.again.setFocus()
        self.banner.show_message(message, "error")

    def try_key_again(self) -> None:
        self.keys.again.hide()
        self.banner.clear_message()
        if self.session is not None:
            self.session.signatures.retry(True)

    def _plugged(self) -> None:
        window = self.window()
        panel = getattr(window, "demo_panel", None)
        if panel is not None:
            panel.sync()

    def _ask_pin(self, attempts_left: object) -> None:
        self.keys.show()
        self.keys.pin_asked(attempts_left)
        left = (
            self.tr(" ({n} attempts left)").format(n=attempts_left)
            if isinstance(attempts_left, int)
            else ""
        )
        self.keys.prompt.setText(
            self.tr("{who}: enter your key's PIN{left}").format(who=self.keys.who(), left=left)
        )
        self.keys.show_pin(True)

    def _ask_touch(self) -> None:
        self.keys.pin_accepted()
        self.keys.show_pin(False)
        self.keys.prompt.setText(
            self.tr("{who}: touch your security key now — it is blinking.").format(
                who=self.keys.who()
            )
        )

    def send_pin(self) -> None:
        pin = self.keys.take_pin()
        if self.session is None or not pin:
            return
        self.keys.prompt.setText(self.keys.who() + self.tr(": checking the PIN…"))
        self.session.prompts.answer(pin)
        del pin

    # ---------------------------------------------------------- printing
    def _print_failed(self, message: str) -> None:
        self.banner.show_message(
            self.tr("The printer needs attention (below). This step waits until it has printed."),
            "error",
        )
        self.printing.failed(message)

    def _print_decision(self, again: bool) -> None:
        if self.session is not None:
            self.session.paper.retry(again)

    # ------------------------------------------------------------ scans
    def on_scan(self, text: str, as_configured: bool) -> None:
        """A scan fills the step's scan field (first empty one), whatever has focus."""
        if self.flow is None or self.flow.done or self.busy:
            return
        targets = [e for e in self.editors.values() if e.kind in ("scan", "scanlist")]
        if not targets:
            self.banner.show_message(render("ui.no_scan_here", {}), "error")
            return
        editor = next((e for e in targets if e.is_empty() or e.kind == "scanlist"), targets[0])
        if editor.kind == "scanlist" and "serial" in editor.spec.name:
            # a misread serial is kept out of a list (scanning again must fix it)
            try:
                validate_serial(text, self.app.policy)
            except SealroomError as exc:
                editor.set_error(
                    exc.user_message() + " " + self.tr("It was not added to the list.")
                )
                return
        editor.set_value(text)
        editor.set_error(None)
        self.banner.clear_message()
        if "serial" in editor.spec.name:
            try:
                validate_serial(text, self.app.policy)
            except SealroomError as exc:
                editor.set_error(exc.user_message())
                return
        nxt = next((e for e in self.editors.values() if e.is_empty()), None)
        (nxt.focus_target() if nxt is not None else self.submit_button).setFocus()
