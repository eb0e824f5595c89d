"""Document models refuse bad content before anything is rendered (kiosk/paper/documents.py)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from kiosk.errors import SealroomError
from kiosk.paper.documents import (
    AlertSlip,
    CredentialSheet,
    DocumentMeta,
    EnvelopeLabel,
    JournalHead,
    Person,
    SessionAction,
    SessionRecord,
    Signer,
)
from kiosk.paper.passwords import SecretText

T = dt.datetime(2026, 3, 16, 14, 32, tzinfo=dt.UTC)
HASH = "3f9a1c" + "0" * 58
META = DocumentMeta("safe-room-1", JournalHead(1234, HASH), T, "Europe/London")
PW = "Kx4#tQ9?mNp7@wRc3=aYe6!h"


def sheet(**kw: object) -> CredentialSheet:
    base: dict[str, object] = dict(
        meta=META,
        account="emergency-admin-01",
        system="Entra ID",
        access_url="https://login.microsoftonline.com",
        username="emergency-admin-01@contoso.onmicrosoft.com",
        password=SecretText(PW),
        envelope_serial="SR00012347",
        qr_payload="SR1:sheet:CS-1:env:SR00012347:mac:abc",
        issued_at=T,
        issued_by=(Person("Priya Raman", "Security Lead"),),
        sheet_ref="CS-1",
        token_in_envelope=False,
    )
    base.update(kw)
    return CredentialSheet(**base)  # type: ignore[arg-type]


def test_head_label_has_seq_and_hash_prefix() -> None:
    assert META.head.label == "Journal head 1234 · 3f9a1c000000…"


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"account": ""}, "account"),
        ({"username": "root\x1b[2J"}, "username"),
        ({"system": "two\nlines"}, "system"),
        ({"envelope_serial": "SR０001"}, "envelope_serial"),
        ({"issued_by": ()}, "issued_by"),
        ({"issued_at": dt.datetime(2026, 1, 1)}, "issued_at"),
    ],
)
def test_bad_fields_are_named(kw: dict[str, object], field: str) -> None:
    with pytest.raises(SealroomError) as info:
        sheet(**kw)
    assert info.value.code == "document.invalid"
    assert info.value.params["field"] == field
    assert field in info.value.user_message()


def test_password_never_in_repr_and_never_in_a_code() -> None:
    s = sheet()
    assert PW not in repr(s)
    with pytest.raises(SealroomError) as info:
        sheet(qr_payload="SR1:" + PW)
    assert info.value.code == "document.secret_in_code"
    assert PW not in str(info.value)


def test_wiped_password_is_refused() -> None:
    pw = SecretText(PW)
    pw.wipe()
    with pytest.raises(SealroomError) as info:
        sheet(password=pw)
    assert info.value.params["field"] == "password"


def test_bad_hashes_and_heads() -> None:
    with pytest.raises(SealroomError):
        JournalHead(0, HASH)
    with pytest.raises(SealroomError):
        JournalHead(3, HASH.upper())
    with pytest.raises(SealroomError):
        AlertSlip(META, "x", "", T, 5, "abc", ("call security",))
    with pytest.raises(SealroomError) as info:
        AlertSlip(META, "x", "", T, 5, HASH, ())
    assert info.value.params["field"] == "actions"


def test_session_times_and_duration() -> None:
    signer = Signer("Dana", "IT Director", "pQ3vYk2mX8aLr5TnBw7cHs", T)
    rec = SessionRecord(
        META,
        "INV-1",
        "acct",
        "sys",
        "SR00012347",
        "opened",
        T,
        (SessionAction(T, "did"),),
        T + dt.timedelta(minutes=11),
        "",
        (signer,),
        9,
        HASH,
    )
    assert rec.duration_minutes == 11
    assert signer.credential_prefix == "pQ3vYk2mX8aLr5Tn…"
    with pytest.raises(SealroomError) as info:
        dataclasses.replace(rec, terminated=T - dt.timedelta(minutes=1))
    assert info.value.params["field"] == "terminated"


def test_the_policy_decides_where_the_security_key_goes() -> None:
    """The sheet must be told the policy's token setting, and a serial is only a serial."""
    base = {f.name for f in dataclasses.fields(CredentialSheet) if f.name != "token_in_envelope"}
    kw = {name: getattr(sheet(), name) for name in base}
    with pytest.raises(TypeError):
        CredentialSheet(**kw)  # no default: every sheet says where the key goes
    with pytest.raises(SealroomError) as info:
        sheet(token_in_envelope="yes")
    assert info.value.params["field"] == "token_in_envelope"
    with pytest.raises(SealroomError) as info:
        sheet(token_serials=("FIDO2 key YK5-23981144 (in envelope)",))
    assert info.value.params["field"] == "token_serials[0]"
    assert sheet(token_serials=("YK5-23981144",)).token_serials == ("YK5-23981144",)


def test_the_label_has_no_place_for_the_username() -> None:
    """The outside of the bag names the account by its id; the model cannot carry more."""
    names = {f.name for f in dataclasses.fields(EnvelopeLabel)}
    assert "account_id" in names and "system" in names
    assert not names & {"username", "account", "password", "access_url"}
