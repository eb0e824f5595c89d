"""The core's :class:`kiosk.procedures.Paper`: render a document, then print it.

``kiosk`` builds documents (:mod:`kiosk.paper.documents`) but cannot render them
(reportlab lives here, in ``hardware``); this adapter joins the two. It
keeps no copy of what it printed: the PDF is handed to the printer and
dropped (for a credential sheet the bytes exist only in memory).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hardware.printing.render import render
from kiosk.paper.documents import Document
from kiosk.paper.printer import Printer, PrintResult


@dataclass
class RenderingPaper:
    """Renders with :func:`hardware.printing.render.render` and prints on ``printer``.

    Records the slug of every document printed in ``printed`` (never content).
    """

    printer: Printer
    printed: list[str] = field(default_factory=list)

    def print_document(
        self, doc: Document, sensitive: bool, *, ask_again: bool = True
    ) -> PrintResult:
        """One try; ``ask_again`` is for papers with a screen to ask on (this one has none)."""
        pdf = render(doc)
        title = f"{doc.title} {doc.meta.head.seq}"
        result = self.printer.print_pdf(pdf, title, sensitive)
        self.printed.append(doc.slug)
        return result
