"""Audit export, custodians (revocation) and the troubleshooting index.

Like the flow screen, these only render and forward: the export is
:func:`kiosk.export.start_export_approval` approved by an auditor and a
custodian through the session's :class:`ui.procedure_devices.QtSignatures`,
then :func:`kiosk.export.export_bundle` onto the volume chosen from
:func:`hardware.media.removable_volumes` (opened with
:func:`hardware.media.open_volume`, which refuses fixed and read-only disks);
a revocation is :func:`kiosk.enrolment.start_revocation` signed by two
custodians; a new key (a new custodian, auditor or security officer, or an
extra key) is :class:`kiosk.enrolment.KeyEnrolment`: the new key makes its
credential (its holder chooses its PIN on screen and touches it twice), two
other custodians approve, then the entry and the key slot are written.
Everything slow runs in a worker with Cancel.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from kiosk.errors import CancelledError, SealroomError
from kiosk.procedures import TROUBLESHOOTING
from ui.context import AppContext
from ui.screens.flow import KeyPanel
from ui.session import Session
from ui.widgets import Banner, big_button, body, heading
from ui.workers import Handle


class _KeyScreen(QWidget):
    """Shared: a title, back button, banner, a key panel wired to the session."""

    closed = Signal()

    def __init__(self, app: AppContext, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.session: Session | None = None
        self._handle: Handle | None = None
        self._wired: set[int] = set()
        self.v = QVBoxLayout(self)
        self.v.setContentsMargins(40, 24, 40, 24)
        self.v.setSpacing(14)
        top = QHBoxLayout()
        top.addWidget(heading(title, self), 1)
        self.back = big_button(self.tr("Back to the dashboard"), self.tr("Leave this screen"), self)
        self.back.clicked.connect(self.leave)
        top.addWidget(self.back)
        self.v.addLayout(top)
        self.banner = Banner(self)
        self.v.addWidget(self.banner)
        self.keys = KeyPanel(self)
        self.keys.pin.returnPressed.connect(self.send_pin)
        self.keys.pin_ok.clicked.connect(self.send_pin)
        self.keys.again.clicked.connect(self._again)
        self.stop_button = big_button(
            self.tr("Cancel"), self.tr("Cancel the approval in progress"), self.keys
        )
        self.stop_button.clicked.connect(self.cancel)
        keys_layout = self.keys.layout()
        if keys_layout is not None:
            keys_layout.addWidget(self.stop_button)
        self.keys.reset()

    @property
    def busy(self) -> bool:
        return self._handle is not None and not self._handle.finished

    def attach(self, session: Session) -> None:
        self.session = session
        if id(session) in self._wired:
            return
        self._wired.add(id(session))
        s, p = session.signatures, session.prompts
        s.asking.connect(lambda role, name: self._visible() and self._asking(role, name))
        s.signed.connect(lambda role, name: self._visible() and self._signed(role, name))
        s.refused.connect(lambda m: self._visible() and self._refused(m))
        p.pin_requested.connect(lambda _n: self._visible() and self._pin())
        p.new_pin_requested.connect(lambda: self._visible() and self._new_pin())
        p.touch_requested.connect(lambda: self._visible() and self._touch())

    def detach(self) -> None:
        self.cancel()
        self.session = None

    def _visible(self) -> bool:
        return self.isVisible()

    def leave(self) -> None:
        if not self.busy:
            self.closed.emit()

    def cancel(self) -> None:
        if self._handle is not None and not self._handle.finished:
            self._handle.cancel()
            if self.session is not None:
                self.session.prompts.answer(None)

    def _asking(self, role: str, name: str) -> bool:
        self.keys.show()
        self.keys.again.hide()
        self.keys.prompt.setText(
            self.tr(
                "{role} — {name}: plug in your security key and touch it when it blinks."
            ).format(role=role, name=name)
        )
        return True

    def _signed(self, role: str, name: str) -> bool:
        self.keys.lines.append(self.tr("✓ {role} — {name} approved").format(role=role, name=name))
        self.keys.signed.setText("\n".join(self.keys.lines))
        return True

    def _refused(self, message: str) -> bool:
        self.keys.again.show()
        self.banner.show_message(message, "error")
        return True

    def _again(self) -> None:
        self.keys.again.hide()
        if self.session is not None:
            self.session.signatures.retry(True)

    def _pin(self) -> bool:
        self.keys.pin.show()
        self.keys.pin_ok.show()
        self.keys.pin.setFocus()
        return True

    def _new_pin(self) -> bool:
        self.keys.show()
        self.keys.prompt.setText(
            self.tr("The new key has no PIN yet: its holder chooses one now and presses OK.")
        )
        return self._pin()

    def _touch(self) -> bool:
        self.keys.pin.hide()
        self.keys.pin_ok.hide()
        self.keys.prompt.setText(self.tr("Touch your security key now — it is blinking."))
        return True

    def send_pin(self) -> None:
        pin = self.keys.pin.text()
        self.keys.pin.clear()
        if self.session is not None and pin:
            self.keys.pin.hide()
            self.keys.pin_ok.hide()
            self.keys.prompt.setText(self.tr("Checking the PIN…"))
            self.session.prompts.answer(pin)
        del pin

    def _run(
        self,
        job: Callable[[threading.Event, Callable[[str], None]], Any],
        done: Callable[[Any], None],
        progress: Callable[[str], None] | None = None,
    ) -> None:
        session = self.session
        if session is None or self.busy:
            return

        def wrapped(cancel: threading.Event, progress: Callable[[str], None]) -> Any:
            session.signatures.cancel = cancel
            session.prompts.cancel = cancel
            return job(cancel, progress)

        self.keys.reset()
        self.back.setEnabled(False)
        self._handle = self.app.runner.submit(wrapped, self._ok(done), self._failed, progress)

    def _ok(self, done: Callable[[Any], None]) -> Callable[[Any], None]:
        def f(result: Any) -> None:
            self.back.setEnabled(True)
            self.keys.reset()
            done(result)

        return f

    def _failed(self, error: SealroomError) -> None:
        self.back.setEnabled(True)
        self.keys.reset()
        tone = "info" if isinstance(error, CancelledError) else "error"
        self.banner.show_message(error.user_message(), tone)


class ExportScreen(_KeyScreen):
    """Pick a USB stick, an auditor and a custodian; both approve; the bundle is written."""

    def __init__(self, app: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(app, self.tr("Audit export"), parent)
        self.v.addWidget(
            body(
                self.tr(
                    "Plug in the auditor's USB stick. An auditor and a custodian each approve with "
                    "their key; the journal, its report and the signature go onto the stick."
                )
            )
        )
        self.volume = QComboBox(self)
        self.volume.setMinimumHeight(52)
        self.volume.setAccessibleName(self.tr("USB stick to write to"))
        self.refresh_button = big_button(
            self.tr("Look for USB sticks"), self.tr("Look for USB sticks again"), self
        )
        self.refresh_button.clicked.connect(self.find_volumes)
        row = QHBoxLayout()
        row.addWidget(self.volume, 1)
        row.addWidget(self.refresh_button)
        self.v.addLayout(row)
        self.auditor = QComboBox(self)
        self.auditor.setMinimumHeight(52)
        self.auditor.setAccessibleName(self.tr("Auditor"))
        self.custodian = QComboBox(self)
        self.custodian.setMinimumHeight(52)
        self.custodian.setAccessibleName(self.tr("Custodian"))
        for label, combo in (
            (self.tr("Auditor"), self.auditor),
            (self.tr("Custodian"), self.custodian),
        ):
            self.v.addWidget(QLabel(label, self))
            self.v.addWidget(combo)
        self.v.addWidget(self.keys)
        self.progress = QProgressBar(self)
        self.progress.setAccessibleName(self.tr("Export progress"))
        self.progress.hide()
        self.v.addWidget(self.progress)
        buttons = QHBoxLayout()
        self.export_button = big_button(
            self.tr("Export"), self.tr("Export to the USB stick"), self, True
        )
        self.export_button.clicked.connect(self.export)
        self.cancel_button = big_button(self.tr("Cancel"), self.tr("Cancel the export"), self)
        self.cancel_button.clicked.connect(self.cancel)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        self.v.addLayout(buttons)
        self.v.addStretch(1)
        self.result_path: Path | None = None
        self.progress_seen: list[int] = []  # each value shown, in order (tests, diagnostics)

    def attach(self, session: Session) -> None:
        super().attach(session)
        state = session.journal.state
        self.auditor.clear()
        self.custodian.clear()
        for c in sorted(state.custodians.values(), key=lambda c: c.name):
            if c.revoked:
                continue
            target = self.auditor if "auditor" in c.duties else self.custodian
            target.addItem(f"{c.name} — {c.role}", c.id)
        self.find_volumes()

    def find_volumes(self) -> None:
        lister = self.app.volumes

        def job(cancel: threading.Event, progress: Callable[[str], None]) -> Any:
            if lister is not None:
                return lister()
            from hardware.media import removable_volumes

            return removable_volumes()

        def done(volumes: Any) -> None:
            self.volume.clear()
            for v in volumes:
                self.volume.addItem(v.describe(), str(v.mount_point))
            if not volumes:
                self.banner.show_message(
                    self.tr("No USB stick found. Plug one in, then press 'Look for USB sticks'."),
                    "info",
                )
            else:
                self.banner.clear_message()

        self.app.runner.submit(job, done, self._failed)

    def export(self) -> None:
        session = self.session
        mount, auditor, custodian = (
            self.volume.currentData(),
            self.auditor.currentData(),
            self.custodian.currentData(),
        )
        if session is None or not (mount and auditor and custodian):
            self.banner.show_message(
                self.tr("Choose a USB stick, an auditor and a custodian."), "error"
            )
            return
        journal, policy = session.journal, self.app.policy
        lister = self.app.volumes
        self.progress.setValue(0)
        self.progress.show()

        def job(cancel: threading.Event, progress: Callable[[str], None]) -> Any:
            from hardware.printing.render import render
            from kiosk.export import DirectoryWriter, export_bundle, start_export_approval

            if lister is not None:  # simulated media: the chosen directory stands for the stick
                writer = DirectoryWriter(Path(mount), str(mount))
            else:
                from hardware.media import open_volume

                writer = open_volume(Path(mount))
            approval = start_export_approval(
                journal, policy, session.signatures.authenticator, writer.label
            )
            try:
                session.signatures.collect(approval, [auditor, custodian])
                entry = approval.commit()
            except BaseException:
                if not approval.pending.closed:
                    approval.abandon()
                raise
            return export_bundle(
                journal,
                writer,
                entry,
                render,
                timezone=policy.timezone,
                cancel=cancel,
                progress=lambda p: progress(f"{p.done}/{p.total}"),
            )

        def done(result: Any) -> None:
            self.progress.setValue(100)
            self.result_path = result.path
            self.banner.show_message(
                self.tr("Exported {n} entries to {path}. Give the stick to the auditor.").format(
                    n=result.entries, path=result.path
                ),
                "ok",
            )

        self._run(job, done, self._progress)

    def _progress(self, text: str) -> None:
        """``done/total`` from the worker (ExportProgress, via the runner's signal)."""
        done, _, total = text.partition("/")
        if done.isdigit() and total.isdigit() and int(total):
            self.progress.setValue(int(100 * int(done) / int(total)))
            self.progress_seen.append(self.progress.value())


class CustodiansScreen(_KeyScreen):
    """Who holds keys; revoke a custodian (two other custodians approve)."""

    def __init__(self, app: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(app, self.tr("Custodians and keys"), parent)
        self.people = body("", self)
        self.people.setAccessibleName(self.tr("Custodians"))
        self.v.addWidget(self.people)
        self.v.addWidget(self.keys)
        cols = QHBoxLayout()
        cols.setSpacing(32)
        left, right = QVBoxLayout(), QVBoxLayout()
        cols.addLayout(left, 1)
        cols.addLayout(right, 1)
        self.v.addLayout(cols)

        left.addWidget(heading(self.tr("Revoke a custodian"), self, 2))
        self.who = self._combo(left, self.tr("Custodian to revoke"))
        left.addWidget(QLabel(self.tr("Reason"), self))
        self.reason = QLineEdit(self)
        self.reason.setMinimumHeight(52)
        self.reason.setPlaceholderText(self.tr("e.g. left the company, key lost"))
        self.reason.setAccessibleName(self.tr("Reason for the revocation"))
        left.addWidget(self.reason)
        self.approvers = [
            self._combo(left, self.tr("Approved by custodian {n}").format(n=n)) for n in "AB"
        ]
        self.revoke_button = big_button(
            self.tr("Revoke"), self.tr("Revoke the custodian"), self, True
        )
        self.revoke_button.clicked.connect(self.revoke)
        left.addWidget(self.revoke_button)
        left.addStretch(1)

        right.addWidget(heading(self.tr("Enrol a key"), self, 2))
        right.addWidget(
            body(
                self.tr(
                    "For a new custodian, auditor or security officer, or an extra key of someone "
                    "enrolled: the holder plugs in the new key, chooses its PIN and touches it "
                    "twice; then two other custodians approve with their keys."
                )
            )
        )
        row = QHBoxLayout()
        self.new_id = self._line(self.tr("Id, e.g. audrey"), self.tr("Short id of the key holder"))
        self.new_name = self._line(self.tr("Full name"), self.tr("Name of the key holder"))
        self.new_role = self._line(self.tr("Role"), self.tr("Role of the key holder"))
        for e in (self.new_id, self.new_name, self.new_role):
            row.addWidget(e, 1)
        right.addLayout(row)
        self.duty = self._combo(right, self.tr("Duty of the key holder"))
        for duty, words in (
            ("custodian", self.tr("Custodian")),
            ("auditor", self.tr("Auditor")),
            ("security", self.tr("Security staff")),
        ):
            self.duty.addItem(words, duty)
        self.enrol_approvers = [
            self._combo(right, self.tr("Enrolment approved by custodian {n}").format(n=n))
            for n in "AB"
        ]
        self.enrol_button = big_button(
            self.tr("Enrol the key"), self.tr("Enrol the new key"), self, True
        )
        self.enrol_button.clicked.connect(self.enrol)
        right.addWidget(self.enrol_button)
        right.addStretch(1)
        self.v.addStretch(1)

    def _combo(self, layout: QVBoxLayout, label: str) -> QComboBox:
        """A labelled drop-down (people lists start at "— choose —", never at someone)."""
        layout.addWidget(QLabel(label, self))
        c = QComboBox(self)
        c.setMinimumHeight(52)
        c.setAccessibleName(label)
        layout.addWidget(c)
        return c

    def _line(self, placeholder: str, name: str) -> QLineEdit:
        e = QLineEdit(self)
        e.setMinimumHeight(52)
        e.setPlaceholderText(placeholder)
        e.setAccessibleName(name)
        return e

    def attach(self, session: Session) -> None:
        super().attach(session)
        self.fill()

    def fill(self) -> None:
        if self.session is None:
            return
        state = self.session.journal.state
        lines = []
        for combo in (self.who, *self.approvers, *self.enrol_approvers):
            combo.clear()
            combo.addItem(self.tr("— choose —"), None)
        for c in sorted(state.custodians.values(), key=lambda c: c.name):
            keys = sum(
                1 for k in state.credentials.values() if k.custodian == c.id and not k.revoked
            )
            status = self.tr("revoked") if c.revoked else self.tr("{n} key(s)").format(n=keys)
            lines.append(f"{c.name} — {c.role}: {status}")
            if not c.revoked:
                for combo in (self.who, *self.approvers):
                    combo.addItem(c.name, c.id)
                if "custodian" in c.duties:
                    for combo in self.enrol_approvers:
                        combo.addItem(c.name, c.id)
        self.people.setText("\n".join(lines))

    def revoke(self) -> None:
        session = self.session
        who = self.who.currentData()
        by = [c.currentData() for c in self.approvers]
        reason = self.reason.text().strip()
        if session is None or not who or not reason or None in by:
            self.banner.show_message(self.tr("Choose who, why, and the two approvers."), "error")
            return
        journal, policy = session.journal, self.app.policy

        def job(cancel: threading.Event, progress: Callable[[str], None]) -> Any:
            from kiosk.enrolment import start_revocation

            approval = start_revocation(
                journal,
                policy,
                session.signatures.authenticator,
                str(who),
                reason,
                whole_custodian=True,
            )
            try:
                session.signatures.collect(approval, [str(b) for b in by])
                return approval.commit()
            except BaseException:
                if not approval.pending.closed:
                    approval.abandon()
                raise

        def done(_entry: Any) -> None:
            self.reason.clear()
            self.banner.show_message(self.tr("Revoked and recorded."), "ok")
            self.fill()

        self._run(job, done)

    def enrol(self) -> None:
        """Enrol a key: the new key registers (PIN + two touches), two custodians approve."""
        from kiosk.enrolment import KeyEnrolment, Person

        session = self.session
        ident, name, role = (
            self.new_id.text().strip(),
            self.new_name.text().strip(),
            self.new_role.text().strip(),
        )
        by = [c.currentData() for c in self.enrol_approvers]
        if session is None:
            return
        if not (ident and name and role) or None in by:
            self.banner.show_message(
                self.tr("Enter the id, name and role, and choose the two approvers."), "error"
            )
            return
        try:
            person = Person.parse(f"{ident}:{name}:{role}")
        except SealroomError as exc:
            self.banner.show_message(exc.user_message(), "error")
            self.new_id.setFocus()
            return
        person = Person(person.id, person.name, person.role, (str(self.duty.currentData()),))
        journal, policy, desk = session.journal, self.app.policy, self.app.keys
        signatures = session.signatures
        if desk.simulated:  # the demo: a blank simulated key appears on the desk, plugged in
            desk.new_blank_key(person.id, person.name)
            desk.plug_only(person.id)
            signatures.plugged.emit()

        def job(cancel: threading.Event, progress: Callable[[str], None]) -> Any:
            if desk.simulated:
                signatures.authenticator.simulated = list(desk.plugged())
            flow = KeyEnrolment(journal, policy, signatures.authenticator, person)
            try:
                approval = flow.register_key(cancel)
                signatures.collect(approval, [str(b) for b in by])
                return flow.commit()
            except BaseException:
                flow.abandon()
                raise

        def done(_entry: Any) -> None:
            for e in (self.new_id, self.new_name, self.new_role):
                e.clear()
            self.banner.show_message(
                self.tr("{name}'s key is enrolled and recorded.").format(name=person.name), "ok"
            )
            self.fill()

        self._run(job, done)
        self.keys.show()
        self.keys.prompt.setText(
            self.tr(
                "{name}: plug in the new key; choose its PIN, then touch it when it blinks."
            ).format(name=person.name)
        )


class TroubleshootingScreen(QWidget):
    """The procedure's troubleshooting table: each problem, its cause, what to do, and where."""

    closed = Signal()

    def __init__(self, app: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        v = QVBoxLayout(self)
        v.setContentsMargins(40, 24, 40, 24)
        top = QHBoxLayout()
        top.addWidget(heading(self.tr("Troubleshooting")), 1)
        back = big_button(self.tr("Back to the dashboard"), self.tr("Leave troubleshooting"), self)
        back.clicked.connect(self.closed.emit)
        top.addWidget(back)
        v.addLayout(top)
        where = {
            "invocation": self.tr("Declare an emergency"),
            "retrieval": self.tr("Continue: Check out and open the envelope"),
            "session": self.tr("Continue: Access session log"),
            "documentation": self.tr("Continue: Documentation and signing"),
            "reset": self.tr("Continue: Credential reset"),
            "review": self.tr("Continue: Post-incident review"),
            "notify_approver": self.tr("Continue: Notify the approver"),
            "executive_signoff": self.tr("Continue: Executive sign-off"),
        }
        # The table is longer than the screen: it scrolls, the title and back button stay.
        rows = QWidget()
        rv = QVBoxLayout(rows)
        rv.setContentsMargins(0, 0, 0, 0)
        rv.setSpacing(12)
        self.rows: list[QLabel] = []
        for t in TROUBLESHOOTING:
            text = self.tr(
                "{symptom}\nCause: {cause}\nWhat to do: {resolution}\nWhere: {where}"
            ).format(
                symptom=t.symptom,
                cause=t.cause,
                resolution=t.resolution,
                where=f"{where.get(t.flow, t.flow)} ({t.step})",
            )
            label = body(text, rows)
            label.setAccessibleName(t.symptom)
            rv.addWidget(label)
            self.rows.append(label)
        rv.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(rows)
        scroll.setAccessibleName(self.tr("Troubleshooting table"))
        v.addWidget(scroll, 1)
