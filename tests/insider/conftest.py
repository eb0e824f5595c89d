"""A commissioned terminal, locked, and one of its custodians turned insider.

The terminal is set up honestly first (commissioning, enrolments, an
account: every custodian's own simulated key); then it is locked, and from
there on the attack uses one real key only, the insider's (``dana``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from hardware.sim.terminal import SimulatedTerminal, make_terminal
from tests.insider.tools import ACCOUNT, PEOPLE, Insider, Signer


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[SimulatedTerminal]:
    t = make_terminal(tmp_path, PEOPLE, [ACCOUNT])
    t.close()  # locked: the insider is alone with the files
    yield t
    t.close()


@pytest.fixture
def insider(terminal: SimulatedTerminal) -> Insider:
    dana = terminal.custodians["dana"]
    who = Insider(terminal.data_dir, Signer("dana", dana.key, "", dana.pin))
    who.unwrap()  # her own key slot: her PIN and a touch
    # Her credential id is in the journal she can now read.
    who.me.credential_id = next(
        e.data["credential"]["id"]
        for e in who.entries()
        if e.kind == "custodian.enrolled" and e.data["custodian"] == "dana"
    )
    return who
