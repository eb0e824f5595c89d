"""The procedure engine's device interfaces, on screen: key touches and printing.

:class:`QtSignatures` is ``kiosk.procedures.Signatures`` and :class:`QtPaper`
is ``kiosk.procedures.Paper``. Both are called by a flow's ``submit`` **on a
worker thread** (the flow blocks on key touches and print jobs); they talk to
the screen only through Qt signals (queued across threads) and wait on a
``threading.Event`` for the person's answer, in the style of Electrum's
``QtHandlerBase`` (see :mod:`ui.prompts`).

Invariants:

* dual control is visible: before each touch ``asking(role label, name)``
  says whose key is needed ("Custodian A — Dana Whitfield"); after it
  ``signed(role label, name)`` names the person the key belongs to;
* a refusal from the approval layer (same person or key twice, wrong person,
  no key) is shown with its reason (``refused``) and the person chooses to try
  again or cancel; nothing is ever approved by the screen itself — every
  signature goes through :meth:`kiosk.terminal.approvals.Approval.sign`;
* a failed print job is shown with CUPS's words (the failure, then the last
  job/printer state CUPS reported for that attempt) and can be retried
  without leaving the step — the same rendered document, so a retry never
  records anything twice; the rendered PDF exists only in this call's memory;
* cancelling (the job's cancel event) ends the wait at once with
  :class:`~kiosk.errors.CancelledError`.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from PySide6.QtCore import QObject, Signal

from hardware.fido.security_keys import FidoSecurityKeys
from hardware.printing.render import render
from kiosk.errors import CancelledError, SealroomError
from kiosk.paper.documents import Document
from kiosk.paper.printer import Printer, PrintResult
from kiosk.terminal.approvals import Approval
from ui.devices import KeyDesk

ROLE_LABELS = {
    "custodian_a": "Custodian A",
    "custodian_b": "Custodian B",
    "custodian": "Custodian",
    "auditor": "Auditor",
}


class _Decision:
    """One yes/no answer from the GUI thread to a waiting worker."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._answer = False

    def wait(self, cancel: threading.Event) -> bool:
        while not self._event.wait(0.05):
            if cancel.is_set():
                return False
        self._event.clear()
        return self._answer and not cancel.is_set()

    def give(self, answer: bool) -> None:
        self._answer = answer
        self._event.set()


class QtSignatures(QObject):
    """Collect custodians' key touches for an approval, one visible turn each."""

    asking = Signal(str, str)  # role label, person's name
    signed = Signal(str, str)  # role label, name the key answered with
    refused = Signal(str)  # the reason (a sentence from kiosk.errors.messages)
    plugged = Signal()  # the demo desk changed (auto-plug)

    def __init__(self, security_keys: FidoSecurityKeys, desk: KeyDesk) -> None:
        super().__init__()
        self.security_keys = security_keys
        self.desk = desk
        self.cancel = threading.Event()
        self._decision = _Decision()
        self.log: list[tuple[str, str]] = []  # (role, custodian) signed, for tests

    def collect(self, approval: Approval, custodians: Sequence[str]) -> None:
        state = approval.journal.state
        for i, role in enumerate(approval.roles):
            who = custodians[i] if i < len(custodians) else None
            person = state.custodians.get(who) if who else None
            name = person.name if person is not None else (who or "")
            label = ROLE_LABELS.get(role, role)
            while True:
                if self.cancel.is_set():
                    raise CancelledError("cancelled")
                self.asking.emit(label, name)
                if self.desk.auto_plug and self.desk.simulated and who:
                    self.desk.plug_only(who)
                    self.plugged.emit()
                if self.desk.simulated:
                    self.security_keys.simulated = list(self.desk.plugged())
                try:
                    signer = approval.sign(role, self.cancel, custodian=who)
                except CancelledError:
                    raise
                except SealroomError as exc:
                    if approval.pending.closed or self.cancel.is_set():
                        raise
                    self.refused.emit(exc.user_message())
                    if not self._decision.wait(self.cancel):
                        raise CancelledError("cancelled") from None
                    continue
                self.log.append((role, signer.custodian))
                self.signed.emit(label, signer.name)
                break

    def retry(self, again: bool) -> None:
        """The person's answer after a refusal: try the touch again, or give up."""
        self._decision.give(again)


class QtPaper(QObject):
    """Render with reportlab (``hardware.printing.render``) and print, showing progress."""

    progress = Signal(str)  # CUPS's state in words
    failed = Signal(str)  # the failure; waiting for retry or give up
    printed = Signal(str)  # document title

    def __init__(self, printer: Printer) -> None:
        super().__init__()
        self.printer = printer
        self.cancel = threading.Event()
        self._decision = _Decision()
        self.titles: list[str] = []

    def print_document(
        self, doc: Document, sensitive: bool, *, ask_again: bool = True
    ) -> PrintResult:
        """Print, and on a retryable failure ask the flow screen whether to try again.

        Without ``ask_again`` (alert slips) a failure is raised at once: the
        caller may run where the flow screen's print prompt is not on show.
        """
        if self.cancel.is_set():
            # Cancelled (the terminal is locking): nothing is rendered or sent.
            raise CancelledError("cancelled")
        title = f"{doc.title} {doc.meta.head.seq}"
        self.progress.emit(self.tr("Preparing {title}…").format(title=doc.title))
        pdf = render(doc)
        last: list[str] = []  # CUPS's last words about this attempt (shown with a failure)

        def say(state: str) -> None:
            last[:] = [state]
            self.progress.emit(state)

        try:
            while True:
                if self.cancel.is_set():
                    raise CancelledError("cancelled")
                last.clear()
                try:
                    result = self.printer.print_pdf(
                        pdf, title, sensitive, progress=say, cancel=self.cancel
                    )
                except CancelledError:
                    raise
                except SealroomError as exc:
                    if not ask_again or not exc.retryable:
                        # Not retryable (a copy of the sheet may be left, the tools are
                        # missing): printing again would not help, or would print twice.
                        raise
                    message = exc.user_message()
                    if sensitive:
                        # Part of a page may have come out before the failure.
                        message += "\n" + self.tr(
                            "This document holds a password: shred any part of it that came "
                            "out of the printer."
                        )
                    if last:
                        message += "\n" + self.tr("Last printer state: {state}").format(
                            state=last[0]
                        )
                    self.failed.emit(message)
                    if not self._decision.wait(self.cancel):
                        raise
                    continue
                self.titles.append(doc.title)
                self.printed.emit(doc.title)
                return result
        finally:
            del pdf  # a credential sheet's bytes leave memory with this call

    def retry(self, again: bool) -> None:
        self._decision.give(again)
