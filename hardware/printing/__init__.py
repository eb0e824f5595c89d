"""Printing: reportlab rendering of ``kiosk.documents`` and the CUPS printer."""
