"""Paper and journal point at each other: the credential sheet's QR binds it to its
envelope and to the journal entry, and only this terminal's key makes such a code."""

from __future__ import annotations

import datetime as dt

import pytest

from hardware.printing.render import render
from kiosk.errors import ScanError
from kiosk.format.clock import UTC
from kiosk.paper.documents import CredentialSheet, DocumentMeta, JournalHead, Person
from kiosk.paper.passwords import generate_password
from kiosk.policy import Policy
from kiosk.scan.qr import decode_qr, encode_qr
from kiosk.scan.serials import make_serial
from kiosk.terminal.lifecycle import Commissioned

from .conftest import PdfTools


def test_scanning_the_printed_sheet_proves_which_envelope_and_entry_it_belongs_to(
    terminal: Commissioned, policy: Policy, pdftools: PdfTools
) -> None:
    j = terminal.journal
    serial = make_serial(5550001)
    entry = j.append("envelope.stock_received", {"serials": [serial]})
    mac_key = j.terminal_mac_key()
    payload = encode_qr(
        "sheet",
        {"account": "entra-bg-01", "serial": serial, "seq": entry.seq, "hash": entry.hash[:32]},
        mac_key,
    )
    password = generate_password(policy)
    sheet = CredentialSheet(
        meta=DocumentMeta("safe-room-1", JournalHead(entry.seq, entry.hash), dt.datetime.now(UTC)),
        account="entra-bg-01",
        system="Microsoft Entra ID",
        access_url="https://login.microsoftonline.com",
        username="emergency-admin-01@contoso.onmicrosoft.com",
        password=password,
        envelope_serial=serial,
        qr_payload=payload,
        issued_at=dt.datetime.now(UTC),
        issued_by=(Person("Dana Whitfield", "IT Director"), Person("Lee Park", "Security Lead")),
        sheet_ref=f"{serial}/{entry.seq}",
        token_in_envelope=policy.token_in_envelope,
    )
    pdf = pdftools.write(render(sheet), "sheet")
    codes = dict((fmt, text) for fmt, text in pdftools.decode(pdf))
    assert codes["Code128"] == serial
    scanned = decode_qr(codes["QRCode"], mac_key, kinds={"sheet"})
    assert scanned.fields["serial"] == serial
    assert scanned.fields["seq"] == entry.seq
    assert j.entry(entry.seq).hash.startswith(str(scanned.fields["hash"]))  # type: ignore[union-attr]
    assert password.reveal() not in codes["QRCode"]
    # Another terminal's key cannot vouch for this sheet.
    with pytest.raises(ScanError) as exc:
        decode_qr(codes["QRCode"], b"\x00" * 32, kinds={"sheet"})
    assert exc.value.code == "scan.qr_bad_mac"
