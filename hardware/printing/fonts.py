"""The fonts every document uses, shipped in ``assets/fonts`` (DejaVu, Bitstream Vera licence).

Why ship fonts rather than use reportlab's built-in Helvetica/Courier: the
password must be set in a face where 0/O and 1/l/I are clearly different
(DejaVu Sans Mono: dotted zero, serifed I, tailed l), and the body text must
carry characters such as "·", "—", "…" and "↔" that the PDF core fonts lack.
Embedding the TrueType fonts (subset) also makes the printout identical on
every printer.

Invariant: :func:`register_fonts` is idempotent and thread-safe; a missing
font file raises ``document.font_missing`` naming the file.
"""

from __future__ import annotations

import threading
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from kiosk.errors import SealroomError

FONT_DIR = Path(__file__).resolve().parents[2] / "assets" / "fonts"

SANS = "SealroomSans"
SANS_BOLD = "SealroomSans-Bold"
MONO = "SealroomMono"
MONO_BOLD = "SealroomMono-Bold"

_FILES = {
    SANS: "DejaVuSans.ttf",
    SANS_BOLD: "DejaVuSans-Bold.ttf",
    MONO: "DejaVuSansMono.ttf",
    MONO_BOLD: "DejaVuSansMono-Bold.ttf",
}

_lock = threading.Lock()
_done = False


def register_fonts() -> None:
    """Register the document fonts with reportlab once per process."""
    global _done
    with _lock:
        if _done:
            return
        for name, filename in _FILES.items():
            path = FONT_DIR / filename
            if not path.is_file():
                raise SealroomError("document.font_missing", font=filename)
            pdfmetrics.registerFont(TTFont(name, str(path)))
        for family, regular, bold in ((SANS, SANS, SANS_BOLD), (MONO, MONO, MONO_BOLD)):
            addMapping(family, 0, 0, regular)
            addMapping(family, 1, 0, bold)
            addMapping(family, 0, 1, regular)
            addMapping(family, 1, 1, bold)
        _done = True
