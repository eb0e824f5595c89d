"""Dashboard: what is in the safe, what is due, what needs attention — and where to start.

Every figure is read from the journal's projection (``journal.state``) and
the deadline model (:mod:`kiosk.state.due`); the screen holds no state of its
own. Buttons only ask the window to start a flow (``start_flow`` carries a
factory ``Context -> Flow``) or open a screen (``open_screen``); acknowledging
an alert and recording refused USB devices run in workers.
"""

from __future__ import annotations

import datetime as dt
import html
from collections import Counter
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from kiosk.errors import SealroomError
from kiosk.journal.store import Journal
from kiosk.procedures import (
    AccountFlow,
    ClockConfirmFlow,
    Context,
    Flow,
    InvocationFlow,
    PolicyChangeFlow,
    StockFlow,
    policy_unapproved,
)
from kiosk.procedures.checkin import ReturnFlow, StandDownFlow
from kiosk.procedures.navigation import can_stand_down, left_out, next_flow
from kiosk.state import STATE_WORDS
from kiosk.state import due as deadlines
from ui.app_context import AppContext
from ui.screens.account_rows import fill_accounts
from ui.screens.alert_rows import fill_alerts
from ui.screens.backup_row import backup_row, fill_backup
from ui.screens.clock_row import ClockRow
from ui.screens.flow import countdown
from ui.screens.judged import judged_text
from ui.widgets import Banner, big_button, body, entry_row, heading


class Tile(QLabel):
    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.setObjectName("tile")
        self.setWordWrap(True)
        self.setAccessibleName(title)
        self.setMinimumSize(200, 110)

    def set_value(self, value: str, detail: str = "", alarm: bool = False) -> None:
        colour = "#b3261e" if alarm else "#0b1f33"
        self.setText(
            f"<div style='font-size:17px;color:#3b4652'>{html.escape(self.title)}</div>"
            f"<div style='font-size:40px;font-weight:700;color:{colour}'>{html.escape(value)}</div>"
            f"<div style='font-size:16px;color:{colour if alarm else '#3b4652'}'>"
            f"{html.escape(detail)}</div>"
        )
        self.setAccessibleDescription(f"{value} {detail}".strip())


def _section(title: str, parent: QWidget) -> tuple[QFrame, QVBoxLayout]:
    frame = QFrame(parent)
    frame.setObjectName("section")
    v = QVBoxLayout(frame)
    v.setContentsMargins(16, 12, 16, 12)
    v.addWidget(heading(title, frame, 2))
    return frame, v


def _clear(layout: QLayout) -> None:
    """Take everything out of ``layout``, nested layouts too, and delete its widgets."""
    while layout.count():
        item = layout.takeAt(0)
        if item is None:
            continue
        w = item.widget()
        if w is not None:
            w.deleteLater()
            continue
        sub = item.layout()
        if sub is not None:
            _clear(sub)


def _reflow(grid: QGridLayout, items: list[QWidget], columns: int, room: int) -> int:
    """Lay ``items`` out in as many columns (4, 3, 2 or 1) as fit ``room``; the columns used."""
    spacing = grid.horizontalSpacing()
    widths = [b.minimumSizeHint().width() for b in items]
    fit = 1
    for n in (4, 3, 2):
        need = sum(max(widths[c::n]) for c in range(n)) + spacing * (n - 1)
        if need <= room:
            fit = n
            break
    if fit == columns:
        return columns
    for b in items:
        grid.removeWidget(b)
    for i, b in enumerate(items):
        grid.addWidget(b, i // fit, i % fit)
    return fit


#: the longest button text kept on one line: at the theme's button font 40 characters
#: are about 560 px, what the dashboard has beside the demo panel at 1024x768
ONE_LINE_CHARS = 40


def two_lines(text: str) -> str:
    """``Continue: <a long step>`` on two lines, after the colon, when it is long.

    On one line "Continue: Credential reset and new envelope" made the dashboard
    wider than its column beside the demo panel at 1024x768 (issue 22).
    """
    if len(text) <= ONE_LINE_CHARS or ": " not in text:
        return text
    return text.replace(": ", ":\n", 1)


class DashboardScreen(QWidget):
    lock_requested = Signal()
    start_flow = Signal(object)  # Callable[[Context], Flow]
    open_screen = Signal(str)  # "journal", "export", "custodians", "troubleshooting"
    acknowledge = Signal(int, str)  # alert seq, by custodian id
    reprint_slip = Signal(int)  # alert seq whose slip did not print

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.journal: Journal | None = None
        self.deadline_rows: list[tuple[QLabel, str, dt.datetime]] = []
        self.incident_buttons: dict[str, Any] = {}
        self.stand_down_buttons: dict[str, Any] = {}
        self.alert_buttons: dict[int, Any] = {}
        self.slip_buttons: dict[int, Any] = {}  # alerts whose slip did not print
        self.account_buttons: dict[str, Any] = {}
        self.account_change_buttons: dict[str, Any] = {}
        #: flows left half-way, by incident (the flow screen's ``paused``, set by the window)
        self.paused: dict[str, Any] = {}
        outer = QVBoxLayout(self)
        outer.setContentsMargins(36, 24, 36, 24)
        outer.setSpacing(14)
        top = QHBoxLayout()
        top.addWidget(heading(self.tr("Safe room — {kiosk}").format(kiosk=ctx.policy.kiosk_id)), 1)
        self.lock_button = big_button(self.tr("Lock"), self.tr("Lock the terminal"), self)
        self.lock_button.clicked.connect(self.lock_requested.emit)
        top.addWidget(self.lock_button)
        outer.addLayout(top)
        self.banner = Banner(self)
        outer.addWidget(self.banner)
        # Shown only while the policy file is not the one the journal recorded:
        # nothing else can be done until two custodians approve it.
        self.policy_row = QWidget(self)
        row = QHBoxLayout(self.policy_row)
        row.setContentsMargins(0, 0, 0, 0)
        self.policy_text = body("")
        self.policy_text.setStyleSheet("color:#b3261e;font-weight:700")
        row.addWidget(self.policy_text, 1)
        self.policy_button = big_button(
            self.tr("Approve the changed policy"),
            self.tr("Approve the changed policy file, with two custodians"),
            self,
        )
        self.policy_button.clicked.connect(self._approve_policy)
        row.addWidget(self.policy_button)
        self.policy_row.hide()
        outer.addWidget(self.policy_row)
        self.clock_row = ClockRow(self)  # shown only while the clock needs confirming
        self.clock_row.confirm.connect(lambda: self._start_with_two_custodians(ClockConfirmFlow))
        outer.addWidget(self.clock_row)

        scroll = QScrollArea(self)
        scroll.setAccessibleName(self.tr("Dashboard"))
        self.scroll_area = scroll
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        # Down, never sideways: what is to the right of a sideways scroll is not seen.
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        host = QWidget()
        page = QVBoxLayout(host)
        page.setContentsMargins(0, 0, 12, 0)
        page.setSpacing(16)
        scroll.setWidget(host)
        outer.addWidget(scroll, 1)

        grid = QGridLayout()
        grid.setSpacing(12)
        self.tiles = {
            "sealed": Tile(self.tr("Envelopes in the safe")),
            "rotation": Tile(self.tr("Rotation due")),
            "alerts": Tile(self.tr("Alerts to acknowledge")),
            "incidents": Tile(self.tr("Open incidents")),
            "custodians": Tile(self.tr("Custodians")),
            "accounts": Tile(self.tr("Break-glass accounts")),
            "head": Tile(self.tr("Journal head")),
            "stock": Tile(self.tr("Blank bags in stock")),
        }
        for i, tile in enumerate(self.tiles.values()):
            grid.addWidget(tile, i // 4, i % 4)
        page.addLayout(grid)
        self.tile_grid, self.tile_columns = grid, 4

        actions = QGridLayout()
        actions.setSpacing(12)
        self.emergency_button = big_button(
            self.tr("Declare an emergency"), self.tr("Declare a break-glass emergency"), host, True
        )
        self.emergency_button.setObjectName("danger")
        self.emergency_button.clicked.connect(
            lambda: self.start_flow.emit(lambda c: InvocationFlow(c))
        )
        self.drill_button = big_button(
            self.tr("Quarterly drill"), self.tr("Start a quarterly test drill"), host
        )
        self.drill_button.clicked.connect(
            lambda: self.start_flow.emit(lambda c: InvocationFlow(c, test=True))
        )
        self.stock_button = big_button(
            self.tr("Receive bag stock"), self.tr("Receive a delivery of blank bags"), host
        )
        self.stock_button.clicked.connect(lambda: self.start_flow.emit(lambda c: StockFlow(c)))
        self.account_button = big_button(
            self.tr("Register an account"), self.tr("Register a break-glass account"), host
        )
        self.account_button.clicked.connect(self._register_account)
        self.journal_button = big_button(
            self.tr("Journal"), self.tr("Browse and search the journal"), host
        )
        self.journal_button.clicked.connect(lambda: self.open_screen.emit("journal"))
        self.export_button = big_button(
            self.tr("Audit export"), self.tr("Export the journal for auditors"), host
        )
        self.export_button.clicked.connect(lambda: self.open_screen.emit("export"))
        self.custodians_button = big_button(
            self.tr("Custodians and keys"), self.tr("Enrol or revoke custodians"), host
        )
        self.custodians_button.clicked.connect(lambda: self.open_screen.emit("custodians"))
        self.help_button = big_button(
            self.tr("Troubleshooting"), self.tr("What to do when something goes wrong"), host
        )
        self.help_button.clicked.connect(lambda: self.open_screen.emit("troubleshooting"))
        buttons = [
            self.emergency_button,
            self.drill_button,
            self.stock_button,
            self.account_button,
            self.journal_button,
            self.export_button,
            self.custodians_button,
            self.help_button,
        ]
        for i, b in enumerate(buttons):
            actions.addWidget(b, i // 4, i % 4)
        page.addLayout(actions)
        self.action_grid, self.action_buttons, self.action_columns = actions, buttons, 4

        # One column, most urgent first: two columns side by side were wider than a
        # 1024-pixel screen as soon as an incident row had its buttons (issue 22).
        frame, self.incidents_box = _section(self.tr("Open incidents"), host)
        page.addWidget(frame)
        frame, self.alerts_box = _section(self.tr("Alerts not yet acknowledged"), host)
        page.addWidget(frame)
        frame, self.deadlines_box = _section(self.tr("Deadlines"), host)
        page.addWidget(frame)
        # ui/screens/backup_row.py (issue 21): the line and its button to the backup screen
        self.backup_label, self.backup_button, row = backup_row(self.open_screen.emit)
        page.addLayout(row)
        frame, self.accounts_box = _section(self.tr("Accounts and envelopes"), host)
        page.addWidget(frame)
        frame, self.devices_box = _section(self.tr("Attached USB devices"), host)
        page.addWidget(frame)
        self.envelopes = body("")
        self.envelopes.setAccessibleName(self.tr("Envelopes by state"))
        page.addWidget(self.envelopes)
        self.ack_by: QComboBox | None = None

        self.ticker = QTimer(self)
        self.ticker.setInterval(1000)
        self.ticker.timeout.connect(self.tick)

    # ----------------------------------------------------------- layout
    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_actions()

    def fit_actions(self) -> None:
        """As many action buttons per row (4, 3 or 2) as fit the width, so nothing scrolls sideways.

        At 1280 px beside the demo's device panel four big buttons per row
        are wider than the page; a fixed grid made the whole dashboard
        scroll sideways.
        """
        # From the screen's own width (the scroll area is resized after this event):
        # its margins, the page's right margin, the vertical scroll bar.
        layout = self.layout()
        margins = layout.contentsMargins() if layout is not None else None
        sides = margins.left() + margins.right() if margins is not None else 0
        room = (
            self.width() - sides - 12 - self.scroll_area.verticalScrollBar().sizeHint().width() - 4
        )
        self.action_columns = _reflow(
            self.action_grid, list(self.action_buttons), self.action_columns, room
        )
        self.tile_columns = _reflow(
            self.tile_grid, list(self.tiles.values()), self.tile_columns, room
        )

    # ------------------------------------------------------------- data
    def show_journal(self, journal: Journal) -> None:
        self.journal = journal
        self.refresh()
        self.ticker.start()

    def _now(self) -> dt.datetime:
        if self.journal is not None:
            return self.journal.clock.now()
        return self.ctx.clock.now()

    def refresh(self) -> None:
        if self.journal is None:
            return
        s = self.journal.state
        policy = self.ctx.policy
        self.policy_row.setVisible(policy_unapproved(policy, s))
        self.clock_row.show_for(self.journal)
        self.policy_text.setText(
            self.tr(
                "The policy file (sha256 {new}…) is not the one the journal recorded "
                "({old}…). Two custodians must approve it before anything else is done; "
                "if nobody meant to change it, call security."
            ).format(new=policy.sha256[:16], old=s.policy_hash[:16])
        )
        states = Counter(e.state for e in s.envelopes.values())
        due = [a for a in s.accounts.values() if a.rotation_due_since]
        incidents = s.incidents.open_incidents()
        self.tiles["sealed"].set_value(str(states.get("sealed", 0)))
        self.tiles["rotation"].set_value(
            str(len(due)), ", ".join(a.id for a in due) or self.tr("none"), alarm=bool(due)
        )
        self.tiles["alerts"].set_value(str(len(s.open_alerts())), alarm=bool(s.open_alerts()))
        self.tiles["incidents"].set_value(str(len(incidents)))
        self.tiles["custodians"].set_value(
            str(sum(1 for c in s.custodians.values() if not c.revoked))
        )
        self.tiles["accounts"].set_value(str(len(s.accounts)))
        self.tiles["head"].set_value(str(self.journal.head.seq), self.journal.head.hash[:16] + "…")
        self.tiles["stock"].set_value(str(states.get("blank_stock", 0)))
        lines = [f"{STATE_WORDS[k]}: {v}" for k, v in sorted(states.items())]
        self.envelopes.setText(
            self.tr("Envelopes — ")
            + ("; ".join(lines) if lines else self.tr("none registered yet"))
        )
        # A reviewed, reset incident is closed, but its verification (the procedure's
        # last section) may still be due: it keeps its row and its Continue button.
        unverified = [
            i
            for i in s.incidents.by_id.values()
            if not i.open and not i.test and i.reviewed_at and i.rotated_at and not i.verified_at
        ]
        self._incidents(incidents + unverified)
        self._deadlines(policy)
        fill_backup(self)
        self._alerts()
        self._accounts()

    def _incidents(self, incidents: list[Any]) -> None:
        _clear(self.incidents_box)
        self.incidents_box.addWidget(heading(self.tr("Open incidents"), None, 2))
        self.incident_buttons = {}
        self.stand_down_buttons = {}
        shown = {inc.id for inc in incidents}
        waiting = {i: f for i, f in self.paused.items() if i not in shown and not f.done}
        if not incidents and not waiting:
            self.incidents_box.addWidget(body(self.tr("None.")))
        for iid, flow in sorted(waiting.items()):
            # a declaration left half-way: the incident opens only when it is acknowledged
            text_ = self.tr("{title}, at step: {step}").format(
                title=flow.title, step=flow.step.title
            )
            row = entry_row(
                self.incidents_box,
                body(self.tr("{id} — not yet declared: {next}").format(id=iid, next=text_)),
            )
            b = big_button(
                two_lines(self.tr("Continue: {next}").format(next=flow.step.title)),
                self.tr("Continue {id}: {next}").format(id=iid, next=text_),
            )
            b.clicked.connect(lambda _=False, f=flow: self.start_flow.emit(lambda c: f))
            row.addWidget(b)
            row.addStretch(1)
            self.incident_buttons[iid] = b
        state = self.journal.state if self.journal is not None else None
        for inc in sorted(incidents, key=lambda i: i.declared_at):
            kind = self.tr("drill") if inc.test else self.tr("emergency")
            label = body(
                self.tr("{id} ({kind}) — {account}, phase: {phase}").format(
                    id=inc.id, kind=kind, account=inc.account, phase=inc.phase
                )
            )
            row = entry_row(self.incidents_box, label)
            paused = self.paused.get(inc.id)
            if paused is not None and not paused.done:
                text_ = self.tr("{title}, at step: {step}").format(
                    title=paused.title, step=paused.step.title
                )
                label.setText(label.text() + " — " + text_)
                self.incident_buttons[inc.id] = self._flow_button(
                    row,
                    self.tr("Continue: {next}").format(next=paused.step.title),
                    self.tr("Continue {id}: {next}").format(id=inc.id, next=text_),
                    lambda c, f=paused: f,
                )
            elif state is not None:
                nxt = next_flow(state, inc, self.ctx.policy.solo_signoff_first)
                if nxt is not None:
                    text_, factory = nxt
                    self.incident_buttons[inc.id] = self._flow_button(
                        row,
                        self.tr("Continue: {next}").format(next=text_),
                        self.tr("Continue {id}: {next}").format(id=inc.id, next=text_),
                        factory,
                    )
            if paused is not None and state is not None and left_out(state, inc):
                # the retrieval on hold may instead be given up: the envelope goes back
                # (without a flow on hold, Continue itself is that return: see next_flow)
                self._flow_button(
                    row,
                    self.tr("Return envelope unopened"),
                    self.tr("Return {id}'s envelope unopened").format(id=inc.id),
                    lambda c, i=inc.id: ReturnFlow(c, i),
                )
            if state is not None and can_stand_down(state, inc):
                # nothing opened and nothing out: the invocation may end here
                self.stand_down_buttons[inc.id] = self._flow_button(
                    row,
                    self.tr("Stand down"),
                    self.tr("Stand down {id}: end it without opening an envelope").format(
                        id=inc.id
                    ),
                    lambda c, i=inc.id: StandDownFlow(c, i),
                )
            row.addStretch(1)

    def _flow_button(
        self, row: QHBoxLayout, text: str, name: str, factory: Callable[..., Any]
    ) -> QPushButton:
        """A button in an incident's ``row`` that starts the flow ``factory`` builds."""
        b = big_button(two_lines(text), name)
        b.clicked.connect(lambda _=False: self.start_flow.emit(factory))
        row.addWidget(b)
        return b

    def _deadlines(self, policy: Any) -> None:
        _clear(self.deadlines_box)
        self.deadlines_box.addWidget(heading(self.tr("Deadlines"), None, 2))
        self.deadline_rows = []
        if self.journal is None:
            return
        try:
            open_ = deadlines.pending(deadlines.compute(self.journal.state, policy))
        except SealroomError as exc:
            self.deadlines_box.addWidget(body(exc.user_message()))
            return
        self.judged_label = body(judged_text(self.ctx.extras.get("procedures")))
        self.judged_label.setObjectName("deadlines_judged")
        self.deadlines_box.addWidget(self.judged_label)
        if not open_:
            self.deadlines_box.addWidget(body(self.tr("Nothing due.")))
        for d in sorted(open_, key=lambda d: d.due)[:12]:
            label = body("")
            label.setObjectName("deadline")
            text_ = f"{d.label} — {d.subject}"
            self.deadlines_box.addWidget(label)
            self.deadline_rows.append((label, text_, d.due))
        self.tick()

    def tick(self) -> None:
        now = self._now()
        if self.journal is not None:  # a clock set forward shows within a second
            self.clock_row.show_for(self.journal)
        for label, text_, due in self.deadline_rows:
            left = due - now
            late = left.total_seconds() < 0
            label.setText(f"{text_}: {countdown(left)}")
            if bool(label.property("late")) != late:  # a new style sheet re-polishes: on change
                label.setProperty("late", late)
                label.setStyleSheet("color:#b3261e;font-weight:700" if late else "")
            label.setAccessibleName(label.text())

    def _alerts(self) -> None:
        _clear(self.alerts_box)
        fill_alerts(self)  # ui/screens/alert_rows.py

    def _ack(self, seq: int) -> None:
        who = self.ack_by.currentData() if self.ack_by is not None else None
        if isinstance(who, str):
            self.acknowledge.emit(seq, who)

    def _accounts(self) -> None:
        _clear(self.accounts_box)
        fill_accounts(self)  # ui/screens/account_rows.py

    def _approve_policy(self) -> None:
        self._start_with_two_custodians(PolicyChangeFlow)

    def _register_account(self) -> None:
        self._start_with_two_custodians(AccountFlow)

    def _start_with_two_custodians(self, flow: Callable[[Context, list[str]], Flow]) -> None:
        """Start ``flow`` signed by the first two custodians not revoked."""
        if self.journal is None:
            return
        active = [c.id for c in self.journal.state.custodians.values() if not c.revoked]
        by = active[:2]
        self.start_flow.emit(lambda c: flow(c, by))

    def show_devices(self, lines: list[tuple[str, bool]]) -> None:
        _clear(self.devices_box)
        self.devices_box.addWidget(heading(self.tr("Attached USB devices"), None, 2))
        if not lines:
            self.devices_box.addWidget(body(self.tr("No USB devices found.")))
        for text_, allowed in lines:
            mark = self.tr("allowed") if allowed else self.tr("REFUSED — alert recorded")
            label = body(f"{text_}: {mark}")
            if not allowed:
                label.setStyleSheet("color:#b3261e;font-weight:700")
            self.devices_box.addWidget(label)

    def show_devices_error(self, message: str) -> None:
        _clear(self.devices_box)
        self.devices_box.addWidget(heading(self.tr("Attached USB devices"), None, 2))
        self.devices_box.addWidget(body(message))

    def forget(self) -> None:
        self.journal = None
        self.ticker.stop()
        self.deadline_rows = []
