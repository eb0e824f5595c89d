"""Rendered PDFs say what the models say: text, page counts, QR codes and barcodes.

Every check goes through independent tools: poppler (pdftotext, pdfinfo,
pdftoppm) and zxing-cpp decoding rasterised pages.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from hardware.printing.render import render, render_empty_page
from hardware.printing.samples import render_samples, sample_documents
from kiosk.paper.documents import (
    ALL_DOCUMENTS,
    CommissioningSheet,
    CredentialSheet,
    Document,
    EnvelopeLabel,
    SessionAction,
    SessionRecord,
)
from kiosk.paper.passwords import grouped

DOCS = sample_documents()


def _squash(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("doc", DOCS, ids=lambda d: d.slug)
def test_every_page_carries_head_title_terminal_and_page_count(
    doc: Document, pdftools: Any
) -> None:
    pdf = pdftools.write(render(doc), doc.slug)
    pages = pdftools.text_pages(pdf)
    assert len(pages) == pdftools.pages(pdf) >= 1
    for n, page in enumerate(pages, start=1):
        flat = _squash(page)
        assert doc.meta.head.label in flat, f"page {n}: no journal head"
        assert f"Page {n} of {len(pages)}" in flat
        assert f"Terminal {doc.meta.terminal_id}" in flat
        assert doc.title in flat


def test_render_samples_writes_one_pdf_per_document(tmp_path: Path, pdftools: Any) -> None:
    paths = render_samples(tmp_path / "out")
    assert [p.name for p in paths] == [f"{d.slug}.pdf" for d in ALL_DOCUMENTS]
    for p in paths:
        assert p.read_bytes().startswith(b"%PDF-")
        assert pdftools.pages(p) >= 1


def test_credential_sheet_codes_and_password(pdftools: Any) -> None:
    sheet = next(d for d in DOCS if isinstance(d, CredentialSheet))
    pdf = pdftools.write(render(sheet), "sheet")
    codes = pdftools.decode(pdf)
    assert ("QRCode", sheet.qr_payload) in codes
    assert ("Code128", sheet.envelope_serial) in codes
    assert len(codes) == 2, codes

    text = _squash(pdftools.text_pages(pdf)[0])
    pw = sheet.password.reveal()
    for g in sheet.password.groups():
        assert g in text  # grouped in fours
    assert grouped(pw) not in pw
    for word in ("CONFIDENTIAL", sheet.account, sheet.access_url, sheet.envelope_serial):
        assert word in text
    for code in sheet.recovery_codes:
        assert code in text
    # The phonetic spelling of the first group is printed.
    from kiosk.paper.passwords import phonetic

    for name in phonetic(sheet.password.groups()[0]):
        assert name in text
    # The password is in no PDF metadata field and no outline.
    info = pdftools.info(pdf)
    assert pw not in info and sheet.password.groups()[0] not in info


def test_password_set_in_the_distinguishing_mono_font(
    pdftools: Any,
) -> None:
    pdf = pdftools.write(render(DOCS[0]), "fonts")
    fonts = pdftools.fonts(pdf)
    assert "DejaVuSansMono-Bold" in fonts and "DejaVuSans" in fonts
    # The password is not in a core font (Courier's 0/O and 1/l are too alike).
    # (reportlab always lists Helvetica as its unused default resource F1.)
    assert "Courier" not in fonts


def test_envelope_label_codes(pdftools: Any) -> None:
    label = next(d for d in DOCS if isinstance(d, EnvelopeLabel))
    codes = pdftools.decode(pdftools.write(render(label), "label"))
    assert ("Code128", label.envelope_serial) in codes
    assert ("QRCode", label.qr_payload) in codes


def test_other_serials_and_payloads_round_trip(pdftools: Any) -> None:
    """Codes follow the model, not the sample: odd but valid serials and long payloads."""
    sheet = next(d for d in DOCS if isinstance(d, CredentialSheet))
    for i, (serial, payload) in enumerate(
        [("AB-12/x 9", "SR1:" + "Q" * 300), ("0000000000000", "sr1:é-ü-✓")]
    ):
        doc = dataclasses.replace(sheet, envelope_serial=serial, qr_payload=payload)
        codes = pdftools.decode(pdftools.write(render(doc), f"odd{i}"))
        assert ("Code128", serial) in codes and ("QRCode", payload) in codes


def test_long_session_record_spans_pages_with_signers(
    pdftools: Any,
) -> None:
    rec = next(d for d in DOCS if isinstance(d, SessionRecord))
    t = rec.access_established
    actions = tuple(
        SessionAction(t + dt.timedelta(seconds=i), f"Step {i}: reset password for user{i}")
        for i in range(90)
    )
    long = dataclasses.replace(rec, actions=actions, terminated=t + dt.timedelta(minutes=5))
    pdf = pdftools.write(render(long), "long")
    pages = pdftools.text_pages(pdf)
    assert len(pages) >= 3
    joined = _squash(" ".join(pages))
    for i in (0, 45, 89):
        assert f"Step {i}:" in joined
    for s in rec.signers:
        assert s.name in joined and s.credential_prefix in joined
    assert rec.entry_hash[:8] in joined
    for n, page in enumerate(pages, start=1):
        assert f"Page {n} of {len(pages)}" in _squash(page)


def test_commissioning_sheet_anchors(pdftools: Any) -> None:
    doc = next(d for d in DOCS if isinstance(d, CommissioningSheet))
    text = _squash(pdftools.text_pages(pdftools.write(render(doc), "comm"))[0])
    assert doc.key_fingerprint in text
    assert grouped(doc.genesis_hash[:16]) in text
    for group in doc.recovery_passphrase.reveal().split("-"):
        assert group in text


def test_invocation_record_has_every_procedure_field(
    pdftools: Any,
) -> None:
    from kiosk.paper.documents import InvocationRecord

    doc = next(d for d in DOCS if isinstance(d, InvocationRecord))
    text = _squash(pdftools.text_pages(pdftools.write(render(doc), "inv"))[0]).upper()
    for label in (
        "BREAK-GLASS INVOCATION RECORD",
        "DATE/TIME",
        "DECLARED BY",
        "SECOND AUTHORISED PERSON",
        "WITNESS (IF APPLICABLE)",
        "SYSTEM REQUIRING ACCESS",
        "REASON FOR INVOCATION",
        "NORMAL ACCESS FAILURE EVIDENCE",
        "APPROVER",
        "APPROVAL METHOD",
        "CONDITIONS IMPOSED",
    ):
        assert label in text, label


def test_empty_page_baseline_is_a_pdf() -> None:
    assert render_empty_page().startswith(b"%PDF-")
