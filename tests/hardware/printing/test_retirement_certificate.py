"""The retirement certificate, read back from its rendered PDF (issue 21).

Poppler reads its text, zxing-cpp its QR code: the QR is the final head as
``sealroom verify --anchor`` takes it, and the page says everything an
auditor needs on one sheet. The model refuses facts that do not hang
together. The command that prints it is tested in
``tests/kiosk/continuity/test_cli_retire.py`` (CUPS and PDF).
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
from typing import Any

import pytest

from hardware.printing.render import render
from kiosk.errors import SealroomError
from kiosk.paper.passwords import grouped
from kiosk.paper.retirement import RetirementCertificate


def _h(label: str) -> str:
    return hashlib.sha256(label.encode()).hexdigest()


FACTS: dict[str, Any] = {
    "kiosk_id": "safe-room-1",
    "key_fingerprint": "SHA256:" + "Ab1+" * 10 + "xyz",
    "genesis_hash": _h("genesis"),
    "retired": {
        "seq": 3071,
        "hash": _h("retired"),
        "ts": "2036-03-02T10:15:00.000Z",
        "reason": "the safe room is closed",
        "by": [["Dana Whitfield", "IT Director"], ["Sam Okafor", "Chief Operating Officer"]],
    },
    "final": {"seq": 3071, "hash": _h("retired")},
    "bundle": "sealroom-export-safe-room-1-20360302T101700Z",
    "volume": "SANDISK 32GB (sdb1)",
    "manifest_hash": _h("manifest"),
    "last": {"seq": 3072, "hash": _h("export.created")},
}
PRINTED = dt.datetime(2036, 3, 2, 10, 20, tzinfo=dt.UTC)


def test_the_rendered_certificate(pdftools: Any) -> None:
    cert = RetirementCertificate.from_facts(FACTS, PRINTED, "Europe/London")
    pdf = pdftools.write(render(cert), "retirement")
    assert pdftools.pages(pdf) == 1  # one sheet, signatures included
    assert [t for f, t in pdftools.decode(pdf) if f == "QRCode"] == [f"3071:{_h('retired')}"]
    text = " ".join(pdftools.text_pages(pdf)[0].split())
    for i in range(0, 64, 16):  # the final head's hash, as on the identity sheet
        assert grouped(_h("retired")[i : i + 16]) in text
    for expected in (
        "Terminal safe-room-1 is retired",
        FACTS["bundle"],
        "entries 1 to 3071",
        FACTS["volume"],
        "the safe room is closed",
        "Dana Whitfield (IT Director), Sam Okafor (Chief Operating Officer)",
        "3071 · " + _h("retired")[:16],
        "(the final head)",
        _h("manifest"),
        "entry 3072 · " + _h("export.created")[:16],
        FACTS["key_fingerprint"],
        _h("genesis"),
        "WHAT WAS DESTROYED",
        f"--anchor 3071:{_h('retired')}",
        "wipe the backup medium",
        "Signature — Dana Whitfield",
        "Signature — received for the auditors' file",
        "Journal head 3072",  # the footer: the terminal's own last entry
    ):
        assert expected in text, expected
    assert "PUBLIC" in text


@pytest.mark.parametrize(
    "change",
    [
        lambda f: f["final"].update(seq=3070),  # the final export must hold the retirement
        lambda f: f["last"].update(seq=3071),  # export.created follows the bundle
        lambda f: f["retired"].update(by=[["Dana Whitfield", "IT Director"]]),
        lambda f: f.update(manifest_hash="not a hash"),
        lambda f: f.pop("bundle"),
    ],
)
def test_facts_that_do_not_hang_together_are_refused(change: Any) -> None:
    facts = copy.deepcopy(FACTS)
    change(facts)
    with pytest.raises(SealroomError) as exc:
        RetirementCertificate.from_facts(facts, PRINTED)
    assert exc.value.code == "document.invalid"
