"""Custodians and keys: who holds keys, revoking a custodian, enrolling a new key.

A revocation is :func:`kiosk.terminal.enrolment.start_revocation` signed by two
custodians; a new key (a new custodian, auditor or security officer, or an
extra key) is :class:`kiosk.terminal.enrolment.KeyEnrolment`: the new key makes its
credential (its holder chooses its PIN on screen and touches it twice), two
other custodians approve, then the entry and the key slot are written.
Everything slow runs in a worker with Cancel.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from kiosk.errors import SealroomError
from kiosk.terminal.enrolment import KeyEnrolment, Person, start_revocation
from ui.app_context import AppContext
from ui.screens.approval_screen import ApprovalScreen
from ui.terminal_session import Session
from ui.widgets import big_button, body, heading


class CustodiansScreen(ApprovalScreen):
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
        self.reason.setPlaceholderText(self.tr("e.g. key lost"))
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
        # One labelled field per line: three side by side clipped their placeholders
        # to "Id, …" and "Full…" at 1024 pixels (issue 22).
        self.new_id = self._line(self.tr("e.g. audrey"), self.tr("Short id of the key holder"))
        self.new_name = self._line(self.tr("e.g. Audrey Kim"), self.tr("Name of the key holder"))
        self.new_role = self._line(
            self.tr("e.g. Internal Auditor"), self.tr("Role of the key holder")
        )
        for label, e in (
            (self.tr("Short id"), self.new_id),
            (self.tr("Full name"), self.new_name),
            (self.tr("Role"), self.new_role),
        ):
            right.addWidget(QLabel(label, self))
            right.addWidget(e)
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
        words = QLabel(label, self)
        words.setWordWrap(True)  # on one line it cut the screen's right edge at 1024 px
        layout.addWidget(words)
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
            approval = start_revocation(
                journal,
                policy,
                session.signatures.security_keys,
                str(who),
                reason,
                whole_custodian=True,
            )
            try:
                session.signatures.collect(approval, [str(b) for b in by])
                entry = approval.commit()
            except BaseException:
                if not approval.pending.closed:
                    approval.abandon()
                raise
            session.ctx.backup_if_due()  # a revocation: the backup is due at once (issue 21)
            return entry

        def done(_entry: Any) -> None:
            self.reason.clear()
            self.banner.show_message(self.tr("Revoked and recorded."), "ok")
            self.fill()

        self.run_approved(job, done)

    def enrol(self) -> None:
        """Enrol a key: the new key registers (PIN + two touches), two custodians approve."""
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
                signatures.security_keys.simulated = list(desk.plugged())
            flow = KeyEnrolment(journal, policy, signatures.security_keys, person)
            try:
                approval = flow.register_key(cancel)
                signatures.collect(approval, [str(b) for b in by])
                entry = flow.commit()
            except BaseException:
                flow.abandon()
                raise
            session.ctx.backup_if_due()  # an enrolment: the backup is due at once (issue 21)
            return entry

        def done(_entry: Any) -> None:
            for e in (self.new_id, self.new_name, self.new_role):
                e.clear()
            self.banner.show_message(
                self.tr("{name}'s key is enrolled and recorded.").format(name=person.name), "ok"
            )
            self.fill()

        self.run_approved(job, done)
        self.keys.show()
        self.keys.prompt.setText(
            self.tr(
                "{name}: plug in the new key; choose its PIN, then touch it when it blinks."
            ).format(name=person.name)
        )
