"""Render the core's document models (``kiosk.paper.documents``) to PDF bytes: the one entry point.

Callers import :func:`render` from here and never need to know where a
document's layout lives: each family of documents has its own module, all
built from the shared :mod:`hardware.printing.layout`:

* :mod:`hardware.printing.credentials`: the credential sheet and its envelope label;
* :mod:`hardware.printing.records`: the invocation and session records;
* :mod:`hardware.printing.terminal_papers`: the commissioning and identity sheets, alert slips;
* :mod:`hardware.printing.reports`: the inventory and audit reports;
* :mod:`hardware.printing.retirement_paper`: the retirement certificate.

Invariant: :func:`render` returns ``bytes`` and never writes a file (a
credential sheet exists only in RAM and on paper); a document type without a
layout raises ``document.invalid`` before anything is drawn.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from hardware.printing.credentials import credential_sheet, envelope_label
from hardware.printing.fonts import register_fonts
from hardware.printing.records import invocation_record, session_record
from hardware.printing.reports import audit_report, inventory_report
from hardware.printing.retirement_paper import retirement_certificate
from hardware.printing.terminal_papers import alert_slip, commissioning_sheet, identity_sheet
from kiosk.errors import SealroomError
from kiosk.paper.documents import (
    AlertSlip,
    AuditReport,
    CommissioningSheet,
    CredentialSheet,
    Document,
    EnvelopeLabel,
    IdentitySheet,
    InventoryReport,
    InvocationRecord,
    SessionRecord,
)
from kiosk.paper.retirement import RetirementCertificate

_RENDERERS: dict[type[Document], Callable[[Any], bytes]] = {
    CredentialSheet: credential_sheet,
    EnvelopeLabel: envelope_label,
    InvocationRecord: invocation_record,
    SessionRecord: session_record,
    CommissioningSheet: commissioning_sheet,
    IdentitySheet: identity_sheet,
    InventoryReport: inventory_report,
    AlertSlip: alert_slip,
    AuditReport: audit_report,
    RetirementCertificate: retirement_certificate,
}


def render(doc: Document) -> bytes:
    """PDF bytes of ``doc``. Raises ``document.invalid`` for an unknown document type."""
    register_fonts()
    fn = _RENDERERS.get(type(doc))
    if fn is None:
        raise SealroomError(
            "document.invalid", document=type(doc).__name__, field="type", reason="has no layout"
        )
    return fn(doc)


def render_empty_page() -> bytes:
    """reportlab's cost floor: one empty A4 page (used by ``benchmarks/print.py``)."""
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4, invariant=1)
    c.showPage()
    c.save()
    return buf.getvalue()
