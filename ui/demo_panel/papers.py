"""A printed paper of the demo, open on screen: its pages, and its codes to scan.

Why: in the demo the credential sheet is in the envelope, and the procedure
asks for its QR code to be scanned. The person walking the demo opens the
paper here (the PDF the simulated printer received, rendered page by page
through pipes: :meth:`hardware.sim.desk.Paper.pages`), reads it, and scans
its QR code with the demo's scanner. Nothing is written to disk: the
sheet's password is on screen only while the window is open.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QDialog, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from hardware.sim.desk import Paper
from kiosk.errors.messages import render
from ui.widgets import Banner


class PaperWindow(QDialog):
    """One paper's pages, and a scan button per code found on them."""

    def __init__(
        self, paper: Paper, scan: Callable[[str], None], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.paper = paper
        self.setWindowTitle(
            self.tr("Printed paper {n}: {title}").format(n=paper.number, title=paper.title)
        )
        self.setAccessibleName(self.windowTitle())
        v = QVBoxLayout(self)
        self.banner = Banner(self)
        v.addWidget(self.banner)
        self.scan_buttons: dict[str, QPushButton] = {}
        for kind, text in paper.codes():
            if text in self.scan_buttons:
                continue
            what = (
                self.tr("Scan its QR code")
                if kind == "QRCode"
                else self.tr("Scan its barcode {code}").format(code=text)
            )
            button = QPushButton(what, self)
            button.setObjectName("secondary")
            button.setAccessibleName(self.tr("{what} with the demo's scanner").format(what=what))
            button.clicked.connect(lambda _=False, t=text: scan(t))
            v.addWidget(button)
            self.scan_buttons[text] = button
        area = QScrollArea(self)
        area.setWidgetResizable(True)
        area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        inner = QWidget(area)
        pages = QVBoxLayout(inner)
        self.page_labels: list[QLabel] = []
        for i, png in enumerate(paper.pages(80), start=1):
            pixmap = QPixmap()
            pixmap.loadFromData(png, "PNG")
            label = QLabel(inner)
            label.setPixmap(pixmap)
            label.setAccessibleName(self.tr("Page {n}").format(n=i))
            pages.addWidget(label)
            self.page_labels.append(label)
        area.setWidget(inner)
        v.addWidget(area, 1)
        if not self.page_labels:
            self.banner.show_message(render("demo.no_pages", {}), "error")
        elif not self.scan_buttons:
            self.banner.show_message(render("demo.no_codes", {}), "error")
        close = QPushButton(self.tr("Put the paper down"), self)
        close.setObjectName("secondary")
        close.setAccessibleName(self.tr("Close this paper"))
        close.clicked.connect(self.close)
        v.addWidget(close)
        self.resize(760, 720)
