"""A real bundle with bad attestations: the first bad entry is named, with what is wrong.

Spec section 7: checking stops at the first bad entry, which the error names
(seq and line) with the rule it breaks. These cases change attestations of a
real exported journal (bad signatures, malformed authenticator data, a
cleared User Present flag, swapped attestations, a bad signature before or
after a non-canonical line), re-chain it and re-seal the manifest with the
genuine key, so only the attestations can be at fault.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from kiosk.verify import verify_files
from tests.kiosk.export.test_mutations import Sealer, canon, rehash


def _b64u(b: bytes) -> str:
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def _unb64u(s: str) -> bytes:
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def _entries(rb: Any) -> list[dict[str, Any]]:
    return [json.loads(x) for x in rb.files["journal.jsonl"].splitlines()]


def _with_attest(e: dict[str, Any], i: int, **changes: str) -> dict[str, Any]:
    attest = [dict(a) for a in e["attest"]]
    attest[i].update(changes)
    return dict(e, attest=attest)


def _bad_sig(e: dict[str, Any]) -> dict[str, Any]:
    sig = bytearray(_unb64u(e["attest"][0]["signature"]))
    sig[-1] ^= 0x01
    return _with_attest(e, 0, signature=_b64u(bytes(sig)))


def _auth(e: dict[str, Any], fn: Any) -> dict[str, Any]:
    raw = bytearray(_unb64u(e["attest"][-1]["authenticator_data"]))
    return _with_attest(e, len(e["attest"]) - 1, authenticator_data=_b64u(fn(raw)))


def _clear_up(raw: bytearray) -> bytes:
    raw[32] &= ~0x01
    return bytes(raw)


@pytest.fixture
def signed_at(real_bundle: Any) -> tuple[int, int, int]:
    """Indexes of three attested entries: early, middle, late."""
    signed = [i for i, e in enumerate(_entries(real_bundle)) if e["attest"]]
    return signed[2], signed[len(signed) // 2], signed[-2]


def _first_error(real_bundle: Any, journal: bytes) -> dict[str, Any]:
    files = Sealer(real_bundle).seal(journal)
    r = verify_files(files, trusted_keys=[real_bundle.public_line]).to_json()
    assert not r["verified"]
    first: dict[str, Any] = r["errors"][0]
    return first


def _journal(entries: list[dict[str, Any]]) -> bytes:
    return b"".join(canon(e) + b"\n" for e in rehash(entries))


@pytest.mark.parametrize(
    ("case", "reported", "says"),
    [
        ("one bad signature", "middle", "has a signature that does not verify"),
        ("two bad signatures", "early", "has a signature that does not verify"),
        ("malformed authenticator data, then a bad signature", "early", "is malformed"),
        ("UP cleared", "middle", "does not have User Present set"),
        ("swapped attestations", "early", "challenge that is not this entry's digest"),
    ],
)
def test_the_first_bad_attestation_is_the_error(
    real_bundle: Any, signed_at: tuple[int, int, int], case: str, reported: str, says: str
) -> None:
    early, middle, late = signed_at
    es = _entries(real_bundle)
    if case == "one bad signature":
        es[middle] = _bad_sig(es[middle])
    elif case == "two bad signatures":
        es[early], es[late] = _bad_sig(es[early]), _bad_sig(es[late])
    elif case == "malformed authenticator data, then a bad signature":
        es[late] = _bad_sig(es[late])
        es[early] = _auth(es[early], lambda raw: bytes(raw[:20]))
    elif case == "UP cleared":
        es[middle] = _auth(es[middle], _clear_up)
    else:
        es[early], es[late] = dict(es[early]), dict(es[late])
        es[early]["attest"], es[late]["attest"] = es[late]["attest"], es[early]["attest"]
    seq = {"early": early, "middle": middle}[reported] + 1
    first = _first_error(real_bundle, _journal(es))
    assert first["code"] == "entry"
    assert first["seq"] == seq
    assert first["message"].startswith(f"entry {seq} (line {seq}) has attestation ")
    assert "invalid attestation" in first["message"] and says in first["message"]


def test_a_bad_signature_and_a_chain_break_the_earlier_is_reported(
    real_bundle: Any, signed_at: tuple[int, int, int]
) -> None:
    early, _middle, late = signed_at
    for bad_at, broken_at in ((early, late), (late, early)):
        es = _entries(real_bundle)
        es[bad_at] = _bad_sig(es[bad_at])
        lines = [canon(e) for e in rehash(es)]
        lines[broken_at] = lines[broken_at].replace(b'"seq":', b'"seq": ', 1)
        first = _first_error(real_bundle, b"".join(x + b"\n" for x in lines))
        assert first["seq"] == early + 1
        expected = "is not in canonical form" if broken_at == early else "invalid attestation"
        assert expected in first["message"]
