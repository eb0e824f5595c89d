"""Unlocks: every unlock is journaled (``terminal.unlocked``), and how it was done.

Rules (checked before the entry is written, and again at every unlock):

* a key unlock names the custodian, their credential (enrolled for them,
  neither revoked) and carries the unlock's own assertion
  (:mod:`kiosk.rules.unlock`; its signature is checked by the approval
  layer at commit and by the per-entry checks at every unlock);
* a passphrase unlock names no key: nobody's key was touched.

Folding a key unlock notes the key's signature counter, like any
assertion the key makes here: the next unlock compares the key's counter
with it (the counter witness, :mod:`kiosk.terminal.witness`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk.errors import TransitionError
from kiosk.format.canonical import b64u_decode
from kiosk.format.entry import Entry
from kiosk.state.custodians import Credential

if TYPE_CHECKING:
    from kiosk.state.projection import State

KEY_FIELDS = ("custodian", "credential_id", "nonce", "assertion")


def check_unlocked(state: State, entry: Entry) -> None:
    data = entry.data
    if data["method"] == "passphrase":
        named = [f for f in KEY_FIELDS if f in data]
        if named:
            raise TransitionError("integrity.unlock_fields", field=named[0])
        return
    missing = [f for f in KEY_FIELDS if f not in data]
    if missing:
        raise TransitionError("integrity.unlock_fields", field=missing[0])
    cred = state.credentials.get(data["credential_id"])
    if cred is None or cred.custodian != data["custodian"]:
        raise TransitionError("transition.key_not_theirs")
    owner = state.custodians[cred.custodian]
    if cred.revoked or owner.revoked:
        raise TransitionError("transition.key_revoked", name=owner.name)


def unlock_counter(entry: Entry) -> int | None:
    """The signature counter of a key unlock's assertion (None if unreadable or no key)."""
    assertion = entry.data.get("assertion")
    if entry.data.get("method") != "key" or not isinstance(assertion, dict):
        return None
    try:
        raw = b64u_decode(str(assertion.get("authenticator_data", "")))
    except ValueError:
        return None
    return int.from_bytes(raw[33:37], "big") if len(raw) >= 37 else None


def apply_unlocked(state: State, entry: Entry) -> None:
    count = unlock_counter(entry)
    cred: Credential | None = state.credentials.get(str(entry.data.get("credential_id")))
    if count is not None and cred is not None:
        cred.counter = max(cred.counter, count)
        cred.counted = True
