"""Projections and the envelope state machine (DESIGN.md), without crypto.

Attestations here are structural stand-ins (who signed with which key); the
cryptographic checks are tested with real security keys in the FIDO2 suite.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from kiosk.errors import TransitionError
from kiosk.format.entry import GENESIS_PREV, Entry
from kiosk.state import ENVELOPE_STATES, ENVELOPE_TRANSITIONS, State

A = {"custodian": "alice", "credential_id": "KA", "role": "custodian_a"}
B = {"custodian": "bob", "credential_id": "KB", "role": "custodian_b"}


class Builder:
    def __init__(self) -> None:
        self.state = State()
        self.prev = GENESIS_PREV

    def add(
        self, kind: str, data: dict[str, Any], attest: tuple[dict[str, Any], ...] = (A, B)
    ) -> Entry:
        e = Entry(
            self.state.seq + 1, "2026-02-02T10:00:00.000Z", kind, data, self.prev, attest
        ).sealed()
        self.state.check(e)
        self.state.apply(e)
        self.prev = e.hash
        return e

    def entry(
        self, kind: str, data: dict[str, Any], attest: tuple[dict[str, Any], ...] = (A, B)
    ) -> Entry:
        return Entry(self.state.seq + 1, "2026-02-02T10:00:00.000Z", kind, data, self.prev, attest)


def enrolment(who: str, key: str) -> dict[str, Any]:
    return {
        "custodian": who,
        "name": who.title(),
        "role": "IT",
        "duties": ["custodian"],
        "credential": {"id": key, "public_key": "pk", "alg": -7, "rp_id": "sealroom.local"},
    }


@pytest.fixture
def b() -> Builder:
    b = Builder()
    b.add(
        "journal.genesis",
        {
            "kiosk_id": "k",
            "kiosk_key": "ssh-ed25519 X",
            "policy_hash": "0" * 64,
            "uv_required": True,
            "journal_id": "j",
        },
        (),
    )
    b.add("custodian.enrolled", enrolment("alice", "KA"), (A,))
    b.add("custodian.enrolled", enrolment("bob", "KB"), (B,))
    b.add(
        "account.registered",
        {
            "account": "acc1",
            "username": "emergency-admin-01",
            "system": "Entra ID",
            "purpose": "identity",
            "storage_location": "Safe A",
            "authorised": ["alice", "bob"],
        },
    )
    return b


def put_in_state(b: Builder, serial: str, target: str) -> None:
    """Drive an envelope to ``target`` through legal transitions only."""
    paths = {
        "blank_stock": [],
        "sealed": ["envelope.registered"],
        "checked_out": ["envelope.registered", "envelope.checked_out", "envelope.inspected"],
        "opened": [
            "envelope.registered",
            "envelope.checked_out",
            "envelope.inspected",
            "envelope.opened",
        ],
        "quarantined": ["envelope.registered", "envelope.checked_out", "tampered"],
        "destroyed": [
            "envelope.registered",
            "envelope.checked_out",
            "envelope.inspected",
            "envelope.opened",
            "envelope.destroyed",
        ],
    }
    b.add("envelope.stock_received", {"serials": [serial]}, ())
    if target == "superseded":
        # sealed, then a newer credential of its account is sealed
        b.add(*payload_for("envelope.registered", serial))
        newer = "SR9" + serial[3:]
        b.add("envelope.stock_received", {"serials": [newer]}, ())
        b.add(*payload_for("envelope.registered", newer))
        assert b.state.envelope_state(serial) == target
        return
    for step in paths[target]:
        kind, data = payload_for(step, serial)
        b.add(kind, data)
    assert b.state.envelope_state(serial) == target


def payload_for(step: str, serial: str) -> tuple[str, dict[str, Any]]:
    checklist = {
        "seal_unbroken": True,
        "signatures_undisturbed": True,
        "no_tears_or_holes": True,
        "no_steaming": True,
    }
    table: dict[str, tuple[str, dict[str, Any]]] = {
        "envelope.stock_received": ("envelope.stock_received", {"serials": [serial]}),
        "envelope.registered": (
            "envelope.registered",
            {"serial": serial, "account": "acc1", "signed_across_seal": True},
        ),
        "envelope.checked_out": (
            "envelope.checked_out",
            {"serial": serial, "account": "acc1", "incident": "i1"},
        ),
        "envelope.returned": ("envelope.returned", {"serial": serial, "reason": "not needed"}),
        "envelope.opened": (
            "envelope.opened",
            {"serial": serial, "incident": "i1", "exterior_signed": True},
        ),
        "envelope.inspected": (
            "envelope.inspected",
            {"serial": serial, "result": "intact", "checklist": checklist},
        ),
        "tampered": (
            "envelope.inspected",
            {
                "serial": serial,
                "result": "tampered",
                "checklist": dict(checklist, seal_unbroken=False),
            },
        ),
        "envelope.destroyed": (
            "envelope.destroyed",
            {"serial": serial, "method": "cross-cut shredder"},
        ),
    }
    return table[step]


CASES = list(itertools.product(ENVELOPE_STATES, sorted(ENVELOPE_TRANSITIONS)))


@pytest.mark.parametrize(("start", "kind"), CASES)
def test_every_envelope_transition_is_allowed_exactly_as_designed(
    b: Builder, start: str, kind: str
) -> None:
    serial = "SR00000018"
    put_in_state(b, serial, start)
    allowed, _ = ENVELOPE_TRANSITIONS[kind]
    k, data = payload_for(kind, serial)
    attest = () if kind in ("envelope.stock_received", "envelope.inspected") else (A, B)
    entry = b.entry(k, data, attest)
    if start in allowed:
        b.state.check(entry)
    else:
        with pytest.raises(TransitionError) as exc:
            b.state.check(entry)
        assert serial in exc.value.user_message()


def test_unknown_serial_is_refused_with_its_own_message(b: Builder) -> None:
    k, data = payload_for("envelope.checked_out", "SR99999997")
    with pytest.raises(TransitionError) as exc:
        b.state.check(b.entry(k, data))
    assert exc.value.code == "envelope.unknown"


def test_serial_is_used_once(b: Builder) -> None:
    put_in_state(b, "SR00000018", "destroyed")
    with pytest.raises(TransitionError) as exc:
        b.state.check(b.entry("envelope.stock_received", {"serials": ["SR00000018"]}, ()))
    assert exc.value.code == "envelope.reused" and "destroyed" in exc.value.user_message()


def test_tampered_inspection_quarantines_and_rotation_due_follows_opening(b: Builder) -> None:
    put_in_state(b, "SR00000018", "quarantined")
    put_in_state(b, "SR00000026", "opened")
    assert b.state.accounts["acc1"].rotation_due_since is not None
    b.add("envelope.stock_received", {"serials": ["SR00000034"]}, ())
    b.add(
        "envelope.registered",
        {"serial": "SR00000034", "account": "acc1", "signed_across_seal": True},
    )
    # A new envelope alone is not the reset: the opened one still holds the password.
    assert b.state.accounts["acc1"].rotation_due_since is not None


def _rotated(new: str = "SR00000034", old: str = "SR00000026") -> dict[str, Any]:
    return {"account": "acc1", "new_serial": new, "old_serial": old, "test_login_ok": True}


def test_reset_is_recorded_only_with_new_envelope_sealed_and_old_destroyed(b: Builder) -> None:
    put_in_state(b, "SR00000026", "opened")
    b.add("envelope.stock_received", {"serials": ["SR00000034"]}, ())
    with pytest.raises(TransitionError, match="SR00000034 is not sealed in the safe"):
        b.state.check(b.entry("credential.rotated", _rotated()))
    b.add(
        "envelope.registered",
        {"serial": "SR00000034", "account": "acc1", "signed_across_seal": True},
    )
    with pytest.raises(TransitionError, match="old envelope SR00000026 has not been destroyed"):
        b.state.check(b.entry("credential.rotated", _rotated()))
    b.add("envelope.destroyed", {"serial": "SR00000026", "method": "cross-cut shredder"})
    assert b.state.accounts["acc1"].rotation_due_since is not None
    b.add("credential.rotated", _rotated())
    account = b.state.accounts["acc1"]
    assert account.rotation_due_since is None and account.rotations == [b.state.last_ts]


def test_wrong_account_envelope_is_refused(b: Builder) -> None:
    put_in_state(b, "SR00000018", "sealed")
    entry = b.entry(
        "envelope.checked_out", {"serial": "SR00000018", "account": "other", "incident": "i"}
    )
    with pytest.raises(TransitionError, match="not other"):
        b.state.check(entry)


@pytest.mark.parametrize(
    ("attest", "message"),
    [
        ((A,), "two different custodians"),
        ((A, dict(A, credential_id="KA")), "two different custodians"),
        ((A, dict(B, credential_id="KA")), "not enrolled for this person"),
        ((A, dict(B, custodian="mallory", credential_id="KM")), "not enrolled"),
        ((), "two different custodians"),
    ],
)
def test_dual_entries_need_two_people_with_their_own_keys(
    b: Builder, attest: tuple[dict[str, Any], ...], message: str
) -> None:
    put_in_state(b, "SR00000018", "sealed")
    k, data = payload_for("envelope.checked_out", "SR00000018")
    with pytest.raises(TransitionError, match=message):
        b.state.check(b.entry(k, data, attest))


def test_same_person_with_two_keys_is_still_one_person(b: Builder) -> None:
    b.add("custodian.enrolled", dict(enrolment("alice", "KA2")))
    put_in_state(b, "SR00000018", "sealed")
    k, data = payload_for("envelope.checked_out", "SR00000018")
    second_key = {"custodian": "alice", "credential_id": "KA2", "role": "custodian_b"}
    with pytest.raises(TransitionError, match="two different custodians"):
        b.state.check(b.entry(k, data, (A, second_key)))


def test_revoked_key_cannot_approve(b: Builder) -> None:
    b.add("custodian.enrolled", enrolment("carol", "KC"))
    b.add(
        "custodian.revoked",
        {"custodian": "bob", "credential_id": "KB", "reason": "lost"},
        (A, {"custodian": "carol", "credential_id": "KC", "role": "r"}),
    )
    put_in_state_ok = b.entry("envelope.stock_received", {"serials": ["SR00000018"]}, ())
    b.state.check(put_in_state_ok)
    k, data = payload_for("envelope.stock_received", "SR00000018")
    b.add(k, data, ())
    with pytest.raises(TransitionError, match="revoked"):
        b.state.check(
            b.entry(
                "envelope.registered",
                {"serial": "SR00000018", "account": "acc1", "signed_across_seal": True},
            )
        )


def test_policy_exception_needs_one_approver_and_is_visible(b: Builder) -> None:
    # Amendment 1: the exception is declared with the incident, before the entries it covers.
    b.add("invocation.declared", {"incident": "i1", "record": {}, "exception": "solo-access"}, ())
    put_in_state(b, "SR00000018", "checked_out")
    entry = b.entry(
        "envelope.opened",
        {
            "serial": "SR00000018",
            "incident": "i1",
            "exterior_signed": True,
            "exception": "solo-access",
        },
        (A,),
    )
    b.state.check(entry)
    none = b.entry(
        "envelope.opened",
        {
            "serial": "SR00000018",
            "incident": "i1",
            "exterior_signed": True,
            "exception": "solo-access",
        },
        (),
    )
    with pytest.raises(TransitionError, match="one custodian must approve"):
        b.state.check(none)


def test_first_enrolments_must_sign_themselves() -> None:
    b = Builder()
    b.add(
        "journal.genesis",
        {
            "kiosk_id": "k",
            "kiosk_key": "x",
            "policy_hash": "0" * 64,
            "uv_required": True,
            "journal_id": "j",
        },
        (),
    )
    with pytest.raises(TransitionError, match="signed by the key it enrols"):
        b.state.check(b.entry("custodian.enrolled", enrolment("alice", "KA"), (B,)))
    b.add("custodian.enrolled", enrolment("alice", "KA"), (A,))
    b.add("custodian.enrolled", enrolment("bob", "KB"), (B,))
    # The third enrolment is dual: self-signing no longer suffices.
    with pytest.raises(TransitionError):
        b.state.check(
            b.entry(
                "custodian.enrolled",
                enrolment("carol", "KC"),
                ({"custodian": "carol", "credential_id": "KC"},),
            )
        )


def test_genesis_comes_first_and_only_once(b: Builder) -> None:
    fresh = State()
    with pytest.raises(TransitionError, match="genesis"):
        fresh.check(Entry(1, "2026-01-01T00:00:00.000Z", "alert.raised", {}, GENESIS_PREV))
    with pytest.raises(TransitionError, match="already has a genesis"):
        b.state.check(b.entry("journal.genesis", {}, ()))


def test_account_needs_two_enrolled_authorised_persons(b: Builder) -> None:
    data = {
        "account": "acc2",
        "username": "u",
        "system": "s",
        "purpose": "p",
        "storage_location": "Safe A",
    }
    with pytest.raises(TransitionError, match="not an enrolled custodian"):
        b.state.check(b.entry("account.registered", dict(data, authorised=["alice", "zed"])))
    with pytest.raises(TransitionError, match="at least two"):
        b.state.check(b.entry("account.registered", dict(data, authorised=["alice", "alice"])))


def test_opening_needs_an_intact_inspection_since_checkout(b: Builder) -> None:
    b.add("envelope.stock_received", {"serials": ["SR00000018"]}, ())
    for step in ("envelope.registered", "envelope.checked_out", "envelope.inspected"):
        b.add(*payload_for(step, "SR00000018"))  # type: ignore[arg-type]
    b.add(*payload_for("envelope.returned", "SR00000018"))  # type: ignore[arg-type]
    b.add(*payload_for("envelope.checked_out", "SR00000018"))  # type: ignore[arg-type]
    # The inspection before it was returned does not count for the new check-out.
    k, data = payload_for("envelope.opened", "SR00000018")
    with pytest.raises(TransitionError) as exc:
        b.state.check(b.entry(k, data))
    assert "not yet inspected" in exc.value.user_message()
    assert "steaming" in exc.value.user_message()
    b.add(*payload_for("envelope.inspected", "SR00000018"), ())  # type: ignore[arg-type]
    b.state.check(b.entry(k, data))


def test_an_incident_has_one_access_session_that_ends_once(b: Builder) -> None:
    """Its end starts the documentation and notice windows: a second end must not move them."""
    b.add("invocation.declared", {"incident": "INC-5", "record": {}}, ())
    ended = {"incident": "INC-5", "at": "2026-02-02T10:00:00.000Z", "duration_minutes": 0}
    with pytest.raises(TransitionError, match="no access session to end"):
        b.state.check(b.entry("session.ended", ended, ()))
    started = {
        "incident": "INC-5",
        "account": "acc1",
        "system": "Entra ID",
        "at": "2026-02-02T10:00:00.000Z",
    }
    not_obtained = {**ended, "established": False}
    with pytest.raises(TransitionError, match="no failed access attempt"):
        b.state.check(b.entry("session.ended", not_obtained, ()))
    b.add("session.started", started, ())
    with pytest.raises(TransitionError, match="already started"):
        b.state.check(b.entry("session.started", started, ()))
    with pytest.raises(TransitionError, match="Access was obtained"):
        b.state.check(b.entry("session.ended", not_obtained, ()))
    b.add("session.ended", ended, ())
    with pytest.raises(TransitionError, match="already ended"):
        b.state.check(b.entry("session.ended", ended, ()))
    # Actions found in the audit log afterwards are still recorded (documentation).
    action = {
        "incident": "INC-5",
        "at": "2026-02-02T10:00:00.000Z",
        "action": "Reverted CA policy",
        "outcome": "done",
        "outside_reason": False,
    }
    # ... but a live action after the logout is refused (issue 19)
    with pytest.raises(TransitionError, match="after the logout"):
        b.state.check(b.entry("session.action", action, ()))
    action["source"] = "audit-log"
    b.add("session.action", action, ())
