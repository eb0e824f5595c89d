"""Every way the key-slot file is rewritten keeps its MAC valid and its head the journal's.

Enrolment adds a slot, replacement and revocation remove one, ``reconcile_slots``
removes stale ones: each goes through ``Journal.update_slots``, so the file
stays authenticated and records the current head (issue 17).
"""

from __future__ import annotations

from hardware.sim.terminal import SimulatedTerminal
from kiosk.format.canonical import b64u
from kiosk.journal.keyslots import KeySlots
from kiosk.journal.store import SLOTS_NAME
from kiosk.terminal.enrolment import Person, reconcile_slots, start_revocation


def assert_in_step(t: SimulatedTerminal) -> set[str]:
    """The file authenticates with the database key and records the journal's head."""
    slots = KeySlots.load(t.data_dir / SLOTS_NAME)
    slots.authenticate(t.journal.database_key())
    assert (slots.head.seq, slots.head.hash) == (t.journal.head.seq, t.journal.head.hash)
    assert slots.head.pending is None
    return {b64u(cid) for cid, _ in slots.fido2_credentials()}


def test_enrolment_replacement_revocation_and_reconcile_keep_mac_and_head(
    term: SimulatedTerminal,
) -> None:
    assert assert_in_step(term) == set(term.journal.state.credentials)  # three enrolments
    lee = term.custodians["lee"].person
    old = next(iter(term.journal.state.custodians["lee"].credentials))
    term.enrol(Person(lee.id, lee.name, lee.role), by=("dana", "sam"), replaces=old)
    new = next(c for c in term.journal.state.custodians["lee"].credentials if c != old)
    assert assert_in_step(term) == {c for c in term.journal.state.credentials if c != old}
    approval = start_revocation(
        term.journal, term.policy, term.security_keys, "lee", "key lost", credential_id=new
    )
    term.sign(approval, "dana")
    term.sign(approval, "sam")
    approval.commit()
    assert new not in assert_in_step(term)
    assert reconcile_slots(term.journal) == []
    assert_in_step(term)
    term.close()
    term.unlock_with_passphrase()  # and the file still opens the terminal
    assert_in_step(term)
