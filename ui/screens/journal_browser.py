"""A read-only journal browser with search, in plain words, with a detail view.

**Check the whole chain** re-checks every entry from #1 (canonical form, seq,
prev, ts order and hash: ``Journal.verify``) in a worker, and says either
that it checks, up to which entry and head hash, or which entry is the first
bad one.

Entries are read in a worker (a long journal is many rows) and shown as two
lines each: sequence number, time and what was recorded in plain words
(:mod:`ui.kind_names`); then who approved it, by name, and its details as
the audit export says them (:mod:`kiosk.export.plain`: people by name,
accounts with their system, no JSON). Choosing a row shows the whole entry
below the list, with its journal name and hash for an auditor. The search
box filters on all of it — the journal's kind names too, so an auditor can
still search by ``envelope.opened`` — and the count says how many of the
entries are shown. Nothing here can write.

The plain words are translated here, in the GUI thread, before the worker
starts: the worker only looks them up.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.errors import SealroomError
from kiosk.export.plain import Names, details
from kiosk.format.kinds import KINDS
from ui.app_context import AppContext
from ui.kind_names import kind_phrase
from ui.terminal_session import Session
from ui.widgets import Banner, big_button, body, heading

#: rows shown at most (the newest first); the search reaches the rest
SHOWN = 2000


@dataclass(frozen=True)
class Row:
    """One journal entry as the screen shows it."""

    seq: int
    line: str  # "#12 · 2026-01-08 14:02 — the emergency declaration"
    who: str  # "Approved by Dana Whitfield (dana), Sam Okafor (sam)" or ""
    details: str  # the payload in words
    kind: str  # the journal's own name, for auditors and the search
    hash: str

    @property
    def haystack(self) -> str:
        return " ".join((self.line, self.who, self.details, self.kind)).casefold()

    def item_text(self) -> str:
        second = self.who or self.details
        if len(second) > 140:
            second = second[:139] + "…"
        return f"{self.line}\n{second}" if second else self.line


class JournalScreen(QWidget):
    closed = Signal()

    def __init__(self, app: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.session: Session | None = None
        self.rows: list[Row] = []
        v = QVBoxLayout(self)
        v.setContentsMargins(40, 24, 40, 24)
        top = QHBoxLayout()
        top.addWidget(heading(self.tr("Journal (read-only)")), 1)
        back = big_button(self.tr("Back to the dashboard"), self.tr("Leave the journal"), self)
        back.clicked.connect(self.closed.emit)
        top.addWidget(back)
        v.addLayout(top)
        find = QHBoxLayout()
        self.search = QLineEdit(self)
        self.search.setMinimumHeight(52)
        self.search.setPlaceholderText(self.tr("Search: words, incident, serial, name…"))
        self.search.setAccessibleName(self.tr("Search the journal"))
        self.search.textChanged.connect(self.apply_filter)
        find.addWidget(self.search, 1)
        self.check_button = big_button(
            self.tr("Check the whole chain"),
            self.tr("Check every journal entry from number 1"),
            self,
        )
        self.check_button.clicked.connect(self.check_chain)
        find.addWidget(self.check_button)
        v.addLayout(find)
        self.banner = Banner(self)
        v.addWidget(self.banner)
        # The chain check's verdict has its own line: reading the entries
        # (another worker) must never overwrite it.
        self.check_banner = Banner(self)
        self.check_banner.hide()
        v.addWidget(self.check_banner)
        self.list = QListWidget(self)
        self.list.setAccessibleName(self.tr("Journal entries"))
        self.list.setWordWrap(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.currentItemChanged.connect(self._chosen)
        v.addWidget(self.list, 3)
        self.detail_frame = QFrame(self)
        self.detail_frame.setObjectName("section")
        d = QVBoxLayout(self.detail_frame)
        self.detail = body(self.tr("Choose an entry to see all of it here."), self.detail_frame)
        self.detail.setAccessibleName(self.tr("The chosen entry"))
        d.addWidget(self.detail)
        v.addWidget(self.detail_frame, 0)

    def attach(self, session: Session) -> None:
        self.session = session
        journal = session.journal
        names = {k: kind_phrase(k) for k in KINDS}
        # translated here, in the GUI thread: the worker only fills them in
        approved = self.tr("the approval by {approver}")
        attempt = self.tr("an attempt to reach the approver {approver} ({outcome})")

        def approver_phrase(data: dict[str, object]) -> str:
            who = str(data.get("approver", ""))
            if data.get("outcome") == "approved":
                return approved.format(approver=who)
            outcome = str(data.get("outcome", "")).replace("-", " ")
            return attempt.format(approver=who, outcome=outcome)

        approved_by = self.tr("Approved with their keys by {people}")

        def job(cancel: threading.Event, progress: Callable[[str], None]) -> list[Row]:
            out = []
            people = Names()
            for e in journal.entries():
                if cancel.is_set():
                    break
                people.observe(e.kind, e.data)
                what = (
                    approver_phrase(e.data)
                    if e.kind == "approver.contacted"
                    else names.get(e.kind, e.kind)
                )
                what = what[:1].upper() + what[1:]
                signers = people.signers(e.attest) if e.attest else ""
                own = {k: e.data[k] for k in ("incident", "account", "serial") if k in e.data}
                words = details(e.kind, e.data, people)
                head = "; ".join(
                    f"{k}: {people.account(v) if k == 'account' else v}" for k, v in own.items()
                )
                out.append(
                    Row(
                        seq=e.seq,
                        line=f"#{e.seq} · {e.ts[:16].replace('T', ' ')} — {what}",
                        who=approved_by.format(people=signers) if signers else "",
                        details="; ".join(x for x in (head, words) if x),
                        kind=e.kind,
                        hash=e.hash,
                    )
                )
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
        self.detail.setText(self.tr("Choose an entry to see all of it here."))

    def _loaded(self, rows: object) -> None:
        self.rows = [r for r in rows if isinstance(r, Row)] if isinstance(rows, list) else []
        self.apply_filter()

    def _failed(self, error: SealroomError) -> None:
        self.banner.show_message(error.user_message(), "error")

    def apply_filter(self) -> None:
        """Show the entries matching every word typed, newest first, and say how many."""
        words = self.search.text().casefold().split()
        self.list.clear()
        shown = [r for r in reversed(self.rows) if all(w in r.haystack for w in words)]
        for r in shown[:SHOWN]:
            item = QListWidgetItem(r.item_text())
            item.setData(Qt.ItemDataRole.UserRole, r.seq)
            self.list.addItem(item)
        total = len(self.rows)
        if not words:
            text = self.tr("{n} entries, the newest first").format(n=total)
        elif len(shown) > SHOWN:
            text = self.tr("{k} of {n} entries match; the newest {m} are shown").format(
                k=len(shown), n=total, m=SHOWN
            )
        else:
            text = self.tr("{k} of {n} entries match").format(k=len(shown), n=total)
        self.banner.show_message(text, "ok" if shown or not words else "info")

    def _chosen(self, item: QListWidgetItem | None, _previous: object = None) -> None:
        """The chosen entry in full: what, who, every detail, and its journal name and hash."""
        if item is None:
            return
        seq = item.data(Qt.ItemDataRole.UserRole)
        row = next((r for r in self.rows if r.seq == seq), None)
        if row is None:
            return
        lines = [row.line]
        if row.who:
            lines.append(row.who)
        if row.details:
            lines.append(row.details)
        lines.append(
            self.tr("In the journal: entry {seq}, kind {kind}, hash {hash}").format(
                seq=row.seq, kind=row.kind, hash=row.hash[:16] + "…"
            )
        )
        self.detail.setText("\n".join(lines))
        self.detail.setAccessibleDescription(self.detail.text())
