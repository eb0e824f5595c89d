"""Scannable codes drawn as vector graphics: the envelope serial's Code 128 and QR payloads.

Why vector, and why here: a code printed from a bitmap blurs at the edges
and may not scan from paper; drawn as rectangles it is sharp on every printer.
The envelope serial uses ``reportlab.graphics.barcode``'s Code 128; QR
payloads use the module matrix computed by the ``qrcode`` package (error
correction M), drawn as runs of dark modules. Both keep the quiet zones the
standards ask for (4 modules around a QR code, 10 bar widths either side of
a Code 128), so they scan from paper.
"""

from __future__ import annotations

import qrcode
import qrcode.constants
from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable


class QRFlowable(Flowable):  # type: ignore[misc]
    """A QR code drawn as vector modules, with a 4-module quiet zone."""

    def __init__(self, payload: str, size: float) -> None:
        super().__init__()
        qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
        qr.add_data(payload)
        qr.make(fit=True)
        self.matrix: list[list[bool]] = qr.get_matrix()
        self.size = size
        self.width = self.height = size

    def draw(self) -> None:
        c = self.canv
        n = len(self.matrix)
        cell = self.size / n
        c.setFillColor(colors.white)
        c.rect(0, 0, self.size, self.size, stroke=0, fill=1)
        c.setFillColor(colors.black)
        for r, row in enumerate(self.matrix):
            y = self.size - (r + 1) * cell
            x0: int | None = None
            for col, dark in enumerate([*row, False]):
                if dark and x0 is None:
                    x0 = col
                elif not dark and x0 is not None:
                    # Overlap by a hair so anti-aliased rasterisers leave no seams.
                    c.rect(x0 * cell, y - 0.05, (col - x0) * cell + 0.05, cell + 0.1, 0, 1)
                    x0 = None


def code128(value: str, height: float = 13 * mm, bar: float = 0.36 * mm) -> Code128:
    """``value`` as Code 128 bars, without human-readable text (the caller prints it larger)."""
    return Code128(
        value,
        barHeight=height,
        barWidth=bar,
        humanReadable=False,
        quiet=True,
        lquiet=10 * bar,
        rquiet=10 * bar,
    )
