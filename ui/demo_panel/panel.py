"""The demo's desk beside the kiosk: keys, scanner, printed papers, the stick, the auditor.

Only the demo shows it; on a real terminal all of this is done by hand.
Why each part is here (issue 22: a person who runs ``make demo`` walks a
whole emergency, the reset, the review and an export, then verifies it):

- the custodians' keys, to plug in and touch (:mod:`ui.demo_panel.keys`);
- a scanner with a pick list of what lies on the desk — each envelope by
  serial and account, each blank bag, each printed paper's QR code. A scan
  is what a real wedge scanner types (:class:`hardware.sim.scanner.
  WedgeScannerSim`), read back by the terminal's own
  :class:`kiosk.scan.WedgeDetector`;
- the printed documents: every paper the simulated printer produced this
  session, to open and scan (:mod:`ui.demo_panel.papers`);
- the auditor's stick and the auditor (:mod:`ui.demo_panel.audit`).

It scrolls inside its own column, so it never makes the window taller.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from hardware.sim.desk import DemoDesk
from hardware.sim.scanner import WedgeScannerSim
from kiosk.policy import Policy
from kiosk.scan import WedgeDetector
from kiosk.scan.wedge import Scan
from ui.demo_panel.audit import AuditorBox
from ui.demo_panel.keys import KeyRows
from ui.demo_panel.papers import PaperWindow
from ui.devices import KeyDesk, SimKey
from ui.workers import Runner

#: what the pick list's data holds for a printed paper: this prefix and the paper's number
PAPER = "paper:"


class _DeskList(QComboBox):
    """A pick list that looks at the desk again each time it is opened (``before_popup``)."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.before_popup: Callable[[], None] = lambda: None

    def showPopup(self) -> None:
        self.before_popup()
        super().showPopup()


def _combo(parent: QWidget, name: str) -> _DeskList:
    combo = _DeskList(parent)
    combo.setAccessibleName(name)
    combo.setMinimumHeight(44)
    # A long entry must not widen the panel (and the window) sideways.
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(12)
    return combo


def _heading(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setObjectName("h2")
    label.setWordWrap(True)
    return label


class DemoPanel(QFrame):
    #: the demo's scanner read this code (as a wedge scanner types it, then Enter)
    scanned = Signal(str)

    def __init__(
        self,
        desk: KeyDesk,
        parent: QWidget | None = None,
        *,
        policy: Policy | None = None,
        demo_desk: DemoDesk | None = None,
        runner: Runner | None = None,
    ) -> None:
        super().__init__(parent)
        self.desk = desk
        self.demo_desk = demo_desk
        self.policy = policy
        self.setObjectName("demoPanel")
        self.setMinimumWidth(300)
        self.setMaximumWidth(360)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        area = QScrollArea(self)
        area.setWidgetResizable(True)
        area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        area.setFrameShape(QFrame.Shape.NoFrame)
        area.setAccessibleName(self.tr("Simulated devices (demo)"))
        inner = QWidget(area)
        layout = QVBoxLayout(inner)
        layout.setContentsMargins(8, 8, 18, 8)  # room for the scroll bar on the right
        area.setWidget(inner)
        outer.addWidget(area)
        self.scroll_area = area
        layout.addWidget(_heading(self.tr("Simulated devices (demo)"), inner))
        self.keys = KeyRows(desk, inner)
        layout.addWidget(self.keys)
        # The scanner: what lies on the desk to scan, and a button that scans the one chosen.
        layout.addWidget(_heading(self.tr("Scanner (demo)"), inner))
        #: (label, code) of what lies on the desk to scan; the window supplies it
        self.codes: Callable[[], list[tuple[str, str]]] = lambda: []
        self.to_scan = _combo(inner, self.tr("What to scan"))
        self.to_scan.before_popup = self.refresh_codes
        layout.addWidget(self.to_scan)
        line = QHBoxLayout()
        refresh = QPushButton(self.tr("Look again"), inner)
        refresh.setObjectName("secondary")
        refresh.setAccessibleName(self.tr("Look again for what can be scanned"))
        refresh.clicked.connect(self.refresh_codes)
        self.refresh_button = refresh
        self.scan_button = QPushButton(self.tr("Scan it"), inner)
        self.scan_button.setObjectName("secondary")
        self.scan_button.setAccessibleName(self.tr("Scan the chosen code"))
        self.scan_button.clicked.connect(self._scan)
        line.addWidget(refresh)
        line.addWidget(self.scan_button)
        layout.addLayout(line)
        self.scanner = WedgeScannerSim(
            terminator=policy.scanner_terminator if policy is not None else "Return"
        )
        # The printed documents, the auditor's stick and the auditor (the demo's desk).
        self.papers = _combo(inner, self.tr("Printed paper to open"))
        self.papers.before_popup = self.refresh_codes
        self.open_button = QPushButton(self.tr("Open the paper"), inner)
        self.open_button.setObjectName("secondary")
        self.open_button.setAccessibleName(self.tr("Open the chosen printed paper"))
        self.open_button.clicked.connect(self.open_paper)
        self.paper_window: PaperWindow | None = None
        self.auditor: AuditorBox | None = None
        if demo_desk is not None:
            layout.addWidget(_heading(self.tr("Printed documents (demo)"), inner))
            layout.addWidget(self.papers)
            layout.addWidget(self.open_button)
            if runner is not None:
                self.auditor = AuditorBox(demo_desk, runner, inner)
                layout.addWidget(self.auditor)
        else:
            self.papers.hide()
            self.open_button.hide()
        layout.addStretch(1)

    # -- keys (kept here by name: the tests and the screenshots press them) ------------------
    @property
    def touch_buttons(self) -> dict[str, QPushButton]:
        return self.keys.touch_buttons

    @property
    def plug_boxes(self) -> dict[str, QCheckBox]:
        return self.keys.plug_boxes

    @staticmethod
    def touch(key: SimKey) -> None:
        KeyRows.touch(key)

    def sync(self) -> None:
        """Show the desk as it is: keys added since (a new key being enrolled), plugs."""
        self.keys.sync()

    # -- the scanner -----------------------------------------------------------------------
    def refresh_codes(self) -> None:
        """List what can be scanned now, and the papers printed so far (the choices kept)."""
        chosen, paper_chosen = self.to_scan.currentData(), self.papers.currentData()
        self.to_scan.clear()
        for label, code in self.codes():
            self.to_scan.addItem(label, code)
        self.papers.clear()
        if self.demo_desk is None:
            return
        for paper in reversed(self.demo_desk.printer.papers):  # the newest first
            bag = paper.bag() if paper.sensitive else None
            label = (
                self.tr("Paper {n}: credential sheet for bag {bag}").format(n=paper.number, bag=bag)
                if bag
                else self.tr("Paper {n}: {title}").format(n=paper.number, title=paper.title)
            )
            self.papers.addItem(label, paper.number)
            if paper.sensitive:  # a credential sheet: its QR code is scanned in the procedure
                self.to_scan.addItem(
                    self.tr("QR code of {paper}").format(paper=label), f"{PAPER}{paper.number}"
                )
        for combo, data in ((self.to_scan, chosen), (self.papers, paper_chosen)):
            index = combo.findData(data)
            if index >= 0:
                combo.setCurrentIndex(index)
            # the list opens as wide as its longest entry: the narrow panel cut serials off
            view = combo.view()
            view.setMinimumWidth(view.sizeHintForColumn(0) + 32)

    def _scan(self) -> None:
        code = self.to_scan.currentData()
        if isinstance(code, str) and code.startswith(PAPER) and self.demo_desk is not None:
            number = int(code[len(PAPER) :])
            paper = next((p for p in self.demo_desk.printer.papers if p.number == number), None)
            code = paper.qr() if paper is not None else None
        if isinstance(code, str) and code:
            self.scan(code)

    def scan(self, code: str) -> None:
        """``code`` as a wedge scanner types it, read back by the terminal's wedge detector."""
        if self.policy is None:
            self.scanned.emit(code)
            return
        detector = WedgeDetector.from_policy(self.policy)
        texts: list[str] = []
        for event in self.scanner.scan(code):
            texts += [o.text for o in detector.feed(event) if isinstance(o, Scan)]
        texts += [o.text for o in detector.flush() if isinstance(o, Scan)]
        for text in texts:
            self.scanned.emit(text)

    # -- the printed documents ---------------------------------------------------------------
    def open_paper(self) -> None:
        """Open the chosen paper in a window of its own: its pages and its codes."""
        number = self.papers.currentData()
        if self.demo_desk is None or not isinstance(number, int):
            return
        paper = next((p for p in self.demo_desk.printer.papers if p.number == number), None)
        if paper is None:
            return
        if self.paper_window is not None:
            self.paper_window.close()
        self.paper_window = PaperWindow(paper, self.scan, self.window())
        self.paper_window.show()
