"""A read-only journal browser with search.

**Check the whole chain** re-checks every entry from #1 (canonical form, seq,
prev, ts order and hash: ``Journal.verify``) in a worker, and says either
that it checks, up to which entry and head hash, or which entry is the first
bad one.

Entries are read in a worker (a long journal is many rows) and shown as one
line each: sequence number, time, what was recorded in plain words
(:mod:`ui.kind_names`) with the journal's kind name beside it in brackets,
and a short summary of the data. The search box filters on all of it, so an
auditor can still search by kind (``envelope.opened``) and an operator by
words ("opening"). Nothing here can write.

The plain words are translated here, in the GUI thread, before the worker
starts: the worker only looks them up.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QListWidget, QVBoxLayout, QWidget

from kiosk.errors import SealroomError
from kiosk.format.kinds import KINDS
from ui.app_context import AppContext
from ui.kind_names import kind_phrase
from ui.terminal_session import Session
from ui.widgets import Banner, big_button, heading


class JournalScreen(QWidget):
    closed = Signal()

    def __init__(self, app: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.session: Session | None = None
        self.rows: list[str] = []
        v = QVBoxLayout(self)
        v.setContentsMargins(40, 24, 40, 24)
        top = QHBoxLayout()
        top.addWidget(heading(self.tr("Journal (read-only)")), 1)
        self.check_button = big_button(
            self.tr("Check the whole chain"),
            self.tr("Check every journal entry from number 1"),
            self,
        )
        self.check_button.clicked.connect(self.check_chain)
        top.addWidget(self.check_button)
        back = big_button(self.tr("Back to the dashboard"), self.tr("Leave the journal"), self)
        back.clicked.connect(self.closed.emit)
        top.addWidget(back)
        v.addLayout(top)
        self.search = QLineEdit(self)
        self.search.setMinimumHeight(52)
        self.search.setPlaceholderText(self.tr("Search: kind, incident, serial, name…"))
        self.search.setAccessibleName(self.tr("Search the journal"))
        self.search.textChanged.connect(self.apply_filter)
        v.addWidget(self.search)
        self.banner = Banner(self)
        v.addWidget(self.banner)
        # The chain check's verdict has its own line: reading the entries
        # (another worker) must never overwrite it.
        self.check_banner = Banner(self)
        self.check_banner.hide()
        v.addWidget(self.check_banner)
        self.list = QListWidget(self)
        self.list.setAccessibleName(self.tr("Journal entries"))
        v.addWidget(self.list, 1)

    def attach(self, session: Session) -> None:
        self.session = session
        journal = session.journal
        names = {k: kind_phrase(k) for k in KINDS}

        def job(cancel: threading.Event, progress: Callable[[str], None]) -> list[str]:
            out = []
            for e in journal.entries():
                if cancel.is_set():
                    break
                summary = ", ".join(f"{k}={v}" for k, v in sorted(e.data.items()))[:220]
                what = f"{names.get(e.kind, e.kind)} [{e.kind}]"
                out.append(f"#{e.seq}  {e.ts[:19].replace('T', ' ')}  {what}  {summary}")
            return out

        self.banner.show_message(self.tr("Reading the journal…"))
        self.app.runner.submit(job, self._loaded, self._failed)

    def check_chain(self) -> None:
        """Re-check the whole chain in a worker; the banner says the verdict."""
        session = self.session
        if session is None:
            return
        journal = session.journal

        def job(cancel: threading.Event, progress: Callable[[str], None]) -> object:
            started = time.monotonic()
            result = journal.verify_or_raise()
            return result.entries, result.head_hash, time.monotonic() - started

        self.check_button.setEnabled(False)
        self.check_banner.show_message(self.tr("Checking every entry from #1…"))
        self.app.runner.submit(job, self._checked, self._check_failed)

    def _checked(self, outcome: object) -> None:
        self.check_button.setEnabled(True)
        if not isinstance(outcome, tuple):
            return
        entries, head, seconds = outcome
        self.check_banner.show_message(
            self.tr(
                "The whole chain checks: entries 1 to {n}, head {head}… ({s:.1f} s). "
                "Compare the head with the last paper record from the safe."
            ).format(n=entries, head=str(head)[:16], s=seconds),
            "ok",
        )

    def _check_failed(self, error: SealroomError) -> None:
        self.check_button.setEnabled(True)
        self.check_banner.show_message(error.user_message(), "error")

    def detach(self) -> None:
        self.session = None
        self.check_banner.clear_message()
        self.rows = []
        self.list.clear()

    def _loaded(self, rows: object) -> None:
        self.rows = list(rows) if isinstance(rows, list) else []
        self.banner.show_message(self.tr("{n} entries").format(n=len(self.rows)), "ok")
        self.apply_filter()

    def _failed(self, error: SealroomError) -> None:
        self.banner.show_message(error.user_message(), "error")

    def apply_filter(self) -> None:
        words = self.search.text().casefold().split()
        self.list.clear()
        shown = [r for r in reversed(self.rows) if all(w in r.casefold() for w in words)]
        self.list.addItems(shown[:2000])
