"""Real terminals and real bundles: simulated keys through python-fido2, real export code."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from hardware.printing.render import render
from hardware.sim.terminal import SimulatedTerminal, make_terminal
from kiosk.export import DirectoryWriter, ExportResult, export_bundle, start_export_approval
from kiosk.format.clock import FakeClock, format_ts
from kiosk.format.entry import Entry
from kiosk.terminal.enrolment import Person

H64 = "5" * 64
CHECK = {
    "seal_unbroken": True,
    "signatures_undisturbed": True,
    "no_tears_or_holes": True,
    "no_steaming": True,
}
PEOPLE = [
    "dana:Dana Whitfield:IT Director",
    "sam:Sam Okafor:Chief Operating Officer",
    Person("avery", "Avery Stone", "Internal audit", ("auditor",)),
    # security staff: the reset after an incident needs one outside it (issue 18)
    Person("lee", "Lee Park", "Security Lead", ("custodian", "security")),
]
RESET_BY = ("dana", "lee")


def populate(t: SimulatedTerminal, incidents: int = 1) -> None:
    """A realistic journal: stock, envelopes, invocations, openings, rotations."""
    j, clock = t.journal, t.clock
    assert isinstance(clock, FakeClock)
    serials = [f"SR{n:08d}" for n in range(10, 10 + 2 + 2 * incidents)]
    j.append("envelope.stock_received", {"serials": serials, "supplier": "Acme Seals"})
    t.dual(
        "envelope.registered",
        {"serial": serials[0], "account": "root-db", "signed_across_seal": True},
    )
    for i in range(incidents):
        old, new = serials[i], serials[i + 1]
        inc = f"INC-{i + 1}"
        clock.advance(days=3)
        j.append(
            "invocation.declared",
            {"incident": inc, "record": {"reason": "IdP outage"}, "account": "root-db"},
        )
        clock.advance(minutes=20)
        t.dual("envelope.checked_out", {"serial": old, "account": "root-db", "incident": inc})
        j.append(
            "envelope.inspected",
            {"serial": old, "incident": inc, "result": "intact", "checklist": CHECK},
        )
        t.dual("envelope.opened", {"serial": old, "incident": inc, "exterior_signed": True})
        j.append(
            "session.started",
            {
                "incident": inc,
                "account": "root-db",
                "system": "Entra ID",
                "at": format_ts(clock.now()),
            },
        )
        clock.advance(minutes=25)
        j.append(
            "session.ended", {"incident": inc, "at": format_ts(clock.now()), "duration_minutes": 25}
        )
        clock.advance(minutes=50)
        t.dual("session.signed", {"incident": inc, "record_hash": H64})
        clock.advance(hours=2)
        t.dual(
            "envelope.registered",
            {"serial": new, "account": "root-db", "signed_across_seal": True},
            RESET_BY,
        )
        t.dual("envelope.destroyed", {"serial": old, "method": "cross-cut shredder"}, RESET_BY)
        t.dual(
            "credential.rotated",
            {
                "account": "root-db",
                "new_serial": new,
                "old_serial": old,
                "test_login_ok": True,
                "incident": inc,
            },
            RESET_BY,
        )


def approve(t: SimulatedTerminal, volume: str = "stick") -> Entry:
    ap = start_export_approval(t.journal, t.policy, t.security_keys, volume)
    t.sign(ap, "avery", role="auditor")
    t.sign(ap, "dana", role="custodian")
    return ap.commit()


@pytest.fixture
def terminal_factory(tmp_path: Path) -> Iterator[Any]:
    made: list[SimulatedTerminal] = []

    def make(name: str = "t", incidents: int = 1) -> SimulatedTerminal:
        t = make_terminal(
            tmp_path / name,
            custodians=PEOPLE,
            accounts=[{"account": "root-db", "authorised": ["dana", "sam", "lee"]}],
        )
        made.append(t)
        populate(t, incidents)
        return t

    yield make
    for t in made:
        t.close()


@dataclass
class RealBundle:
    files: dict[str, bytes]
    path: Path
    public_line: str
    kiosk_id: str
    result: ExportResult
    other_key_line: str
    other_sign: Any
    kiosk_sign: Any


@pytest.fixture(scope="session")
def real_bundle(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealBundle]:
    """One real exported bundle (read into memory), shared by the read-only tests."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from kiosk.verify import read_bundle

    tmp = tmp_path_factory.mktemp("real")
    t = make_terminal(
        tmp,
        custodians=PEOPLE,
        accounts=[{"account": "root-db", "authorised": ["dana", "sam", "lee"]}],
    )
    try:
        populate(t, incidents=2)
        stick = tmp / "stick"
        stick.mkdir()
        res = export_bundle(t.journal, DirectoryWriter(stick), approve(t), render)
        other = Ed25519PrivateKey.generate()
        other_line = (
            other.public_key()
            .public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
            .decode()
            + " mallory"
        )
        yield RealBundle(
            read_bundle(res.path),
            res.path,
            t.journal.kiosk_public_line(),
            t.journal.state.kiosk_id,
            res,
            other_line,
            other.sign,
            t.journal.sign_with_kiosk_key,
        )
    finally:
        t.close()
