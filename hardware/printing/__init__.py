"""Printing: reportlab rendering of ``kiosk.paper.documents`` and the CUPS printer."""
