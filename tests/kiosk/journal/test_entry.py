"""Entries, digests and the chain check (spec sections 2-3)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.format.canonical import MAX_SAFE_INT
from kiosk.format.entry import GENESIS_PREV, Entry, check_chain, check_line, iter_jsonl

TS = "2026-03-01T10:00:00.000Z"


def chain(datas: list[dict[str, Any]], attest_every: int = 0) -> list[bytes]:
    lines, prev = [], GENESIS_PREV
    for i, data in enumerate(datas, start=1):
        attest = (
            ({"role": "a", "custodian": "c1", "signature": "x"},)
            if attest_every and i % attest_every == 0
            else ()
        )
        e = Entry(i, TS, "test.kind", data, prev, attest).sealed()
        lines.append(e.line())
        prev = e.hash
    return lines


def spec_hash(obj: dict[str, Any]) -> str:
    return hashlib.sha256(
        json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    ).hexdigest()


def test_hash_and_digest_follow_the_spec_definitions() -> None:
    e = Entry(1, TS, "journal.genesis", {"k": "é"}, GENESIS_PREV, ({"role": "r"},)).sealed()
    body = {"seq": 1, "ts": TS, "kind": "journal.genesis", "data": {"k": "é"}, "prev": GENESIS_PREV}
    assert e.digest == bytes.fromhex(spec_hash(body))
    assert e.hash == spec_hash(dict(body, attest=[{"role": "r"}]))
    assert json.loads(e.line())["hash"] == e.hash


data_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(MAX_SAFE_INT - 1), max_value=MAX_SAFE_INT - 1)
    | st.text(alphabet=st.characters(blacklist_categories=("Cs",))),
    lambda c: (
        st.lists(c, max_size=3)
        | st.dictionaries(
            st.text(alphabet=st.characters(blacklist_categories=("Cs",))), c, max_size=3
        )
    ),
    max_leaves=12,
)
payloads = st.dictionaries(st.text(min_size=1, max_size=8), data_values, max_size=4)


@settings(max_examples=150)
@given(st.lists(payloads, min_size=1, max_size=20), st.integers(0, 3))
def test_any_chain_we_write_verifies(datas: list[dict[str, Any]], attest_every: int) -> None:
    lines = chain(datas, attest_every)
    result = check_chain(lines)
    assert result.ok, result.problem
    assert result.entries == len(datas)


@settings(max_examples=150)
@given(st.lists(payloads, min_size=2, max_size=12), st.data())
def test_any_single_byte_change_is_caught(datas: list[dict[str, Any]], data: st.DataObject) -> None:
    lines = chain(datas)
    i = data.draw(st.integers(0, len(lines) - 1))
    pos = data.draw(st.integers(0, len(lines[i]) - 1))
    flip = data.draw(st.integers(1, 255))
    mutated = bytearray(lines[i])
    mutated[pos] ^= flip
    bad = list(lines)
    bad[i] = bytes(mutated)
    result = check_chain(bad)
    assert not result.ok
    assert result.problem is not None and result.problem.seq <= i + 1


def test_problems_are_named() -> None:
    lines = chain([{"n": n} for n in range(1, 6)])
    gap = lines[:2] + lines[3:]
    assert "seq 4 where 3" in str(check_chain(gap).problem)
    repeat = lines[:3] + lines[2:]
    assert "seq 3 where 4" in str(check_chain(repeat).problem)
    # Re-encoded with spaces: still valid JSON, but not canonical.
    obj = json.loads(lines[1])
    spaced = json.dumps(obj, sort_keys=True).encode()
    assert check_line(spaced, 2, json.loads(lines[0])["hash"], None) == "is not in canonical form"
    # Non-ASCII escaped as \\u: same value, not canonical.
    e = Entry(1, TS, "k.k", {"name": "Zoë"}, GENESIS_PREV).sealed()
    escaped = json.dumps(e.to_json(), sort_keys=True, separators=(",", ":")).encode()
    assert check_line(escaped, 1, GENESIS_PREV, None) == "is not in canonical form"


def test_backwards_ts_float_and_huge_numbers_are_errors() -> None:
    e1 = Entry(1, "2026-03-01T10:00:01.000Z", "k.k", {}, GENESIS_PREV).sealed()
    e2 = Entry(2, "2026-03-01T10:00:00.999Z", "k.k", {}, e1.hash).sealed()
    assert "earlier than the entry before" in str(check_chain([e1.line(), e2.line()]).problem)
    floaty = e1.line().replace(b'"data":{}', b'"data":{"x":1.0}')
    assert "non-integer" in str(check_line(floaty, 1, GENESIS_PREV, None))
    big = Entry(1, TS, "k.k", {"x": 1}, GENESIS_PREV).sealed().to_json()
    big["data"]["x"] = 2**60
    raw = json.dumps(big, sort_keys=True, separators=(",", ":")).encode()
    assert "outside canonical JSON" in str(check_line(raw, 1, GENESIS_PREV, None))


@pytest.mark.parametrize("token", [b"NaN", b"Infinity", b"-Infinity"])
def test_nan_and_infinity_are_refused(token: bytes) -> None:
    line = Entry(1, TS, "k.k", {}, GENESIS_PREV).sealed().line()
    raw = line.replace(b'"data":{}', b'"data":{"x":' + token + b"}")
    assert "is not a JSON number" in str(check_line(raw, 1, GENESIS_PREV, None))


def test_a_lone_surrogate_is_outside_canonical_json() -> None:
    line = Entry(1, TS, "k.k", {"x": "a"}, GENESIS_PREV).sealed().line()
    raw = line.replace(b'"x":"a"', b'"x":"\\ud800"')
    assert "outside canonical JSON" in str(check_line(raw, 1, GENESIS_PREV, None))


def test_a_line_that_is_not_utf8_is_refused() -> None:
    line = Entry(1, TS, "k.k", {}, GENESIS_PREV).sealed().line()
    raw = line.replace(b'"k.k"', b'"k\xff"')
    assert str(check_line(raw, 1, GENESIS_PREV, None)).startswith("is not valid JSON")


def test_wrong_field_set_and_bad_prev() -> None:
    e = Entry(1, TS, "k.k", {}, GENESIS_PREV).sealed().to_json()
    extra = dict(e, extra=1)
    raw = json.dumps(extra, sort_keys=True, separators=(",", ":")).encode()
    assert "wrong fields" in str(check_line(raw, 1, GENESIS_PREV, None))
    e2 = Entry(2, TS, "k.k", {}, "1" * 64).sealed()
    assert "does not chain" in str(check_chain([Entry.from_json(e).line(), e2.line()]).problem)


def test_iter_jsonl_rejects_a_truncated_last_line() -> None:
    lines = chain([{"a": 1}, {"b": 2}])
    blob = b"\n".join(lines) + b"\n"
    assert list(iter_jsonl(blob)) == lines
    try:
        list(iter_jsonl(blob[:-5]))
    except ValueError as exc:
        assert "newline" in str(exc)
    else:
        raise AssertionError("a truncated file was accepted")


def test_mixed_entries_verify_and_a_bad_one_among_them_is_named() -> None:
    # Some entries hold non-ASCII text, escapes or long integers, the rest hex digests.
    datas: list[dict[str, Any]] = []
    for n in range(1300):
        if n % 97 == 0:
            datas.append({"name": 'Zoë "quoted"\n', "n": n})
        elif n % 89 == 0:
            datas.append({"long": 1234567890123456, "n": n})
        else:
            datas.append({"n": n, "hex": hashlib.sha256(str(n).encode()).hexdigest()})
    lines = chain(datas, attest_every=3)
    assert check_chain(lines).ok
    bad = list(lines)
    bad[1000] = bad[1000].replace(b'"n":', b'"n" :', 1)
    result = check_chain(bad)
    assert result.problem is not None and result.problem.seq == 1001


def _spec_attestation(n: int) -> dict[str, str]:
    return {
        "authenticator_data": "A" * 50,
        "client_data_json": "C" * 100,
        "credential_id": f"cred{n}",
        "custodian": f"c{n}",
        "role": "custodian_a",
        "signature": "S" * 90,
    }


def _attested_chain(n: int, odd: dict[int, dict[str, Any]]) -> list[bytes]:
    """Every other entry attested with spec-shaped attestations, except ``odd`` ones."""
    lines, prev = [], GENESIS_PREV
    for i in range(1, n + 1):
        attest: tuple[dict[str, Any], ...] = ()
        if i in odd:
            attest = (odd[i],)
        elif i % 2 == 0:
            attest = (_spec_attestation(1), _spec_attestation(2))
        e = Entry(i, TS, "test.kind", {"n": i}, prev, attest).sealed()
        lines.append(e.line())
        prev = e.hash
    return lines


def test_attestations_of_any_shape_chain_and_a_change_inside_one_is_named() -> None:
    lines = _attested_chain(100, {})
    assert check_chain(lines).ok
    # Attestations of another shape than spec section 4's: the chain does not
    # judge them (the auditors' verifier does), so they chain all the same.
    odd = {
        70: {**_spec_attestation(3), "extra": "field"},
        80: {"role": "custodian_a", "signature": "S"},
        90: {**_spec_attestation(4), "role": 7},
    }
    lines = _attested_chain(100, odd)
    assert check_chain(lines).ok
    # A byte changed inside an attestation is found.
    bad = list(lines)
    bad[41] = bad[41].replace(b'"signature":"SSS', b'"signature":"SST', 1)
    problem = check_chain(bad).problem
    assert problem is not None and problem.seq == 42 and "hash" in problem.reason
    # Attestation keys out of order: not canonical, named as such.
    bad = list(lines)
    member = b'"authenticator_data":"' + b"A" * 50 + b'",'
    role = b'"role":"custodian_a",'
    bad[41] = bad[41].replace(member, b"", 1).replace(role, role + member, 1)
    problem = check_chain(bad).problem
    assert problem is not None and problem.seq == 42 and "canonical" in problem.reason


def _raw_chain(
    n: int, data: dict[int, dict[str, Any]], attest: dict[int, list[Any]] | None = None
) -> list[bytes]:
    """``n`` lines written with ``json.dumps`` as the spec defines them, whatever the values.

    Entry() refuses values outside canonical JSON; these lines carry them
    with correct hashes and links, so only the value itself is wrong.
    """
    lines, prev = [], GENESIS_PREV
    for i in range(1, n + 1):
        obj = {
            "seq": i,
            "ts": TS,
            "kind": "test.kind",
            "data": data.get(i, {"n": i}),
            "prev": prev,
            "attest": (attest or {}).get(i, []),
        }
        prev = spec_hash(obj)
        full = dict(obj, hash=prev)
        lines.append(json.dumps(full, sort_keys=True, separators=(",", ":")).encode())
    return lines


def _chain_with(n: int, special: dict[int, dict[str, Any]]) -> list[bytes]:
    """``n`` entries whose data is ``{"n": i}`` except the ``special`` ones."""
    return _raw_chain(n, special)


@pytest.mark.parametrize(
    "value",
    [
        2**53,
        -(2**53),
        10**20,
        {"deep": 2**53},
        [1, {"deeper": -(2**60)}],
        {"a": {"b": 2**53 + 1}},
    ],
)
def test_integers_outside_the_spec_range_are_named_at_any_depth(value: Any) -> None:
    lines = _chain_with(70, {60: {"n": 60, "x": value}})
    problem = check_chain(lines).problem
    assert problem is not None and problem.seq == 60
    assert "outside canonical JSON" in problem.reason


def test_largest_safe_integers_and_any_nesting_verify() -> None:
    special = {
        10: {"x": 2**53 - 1, "y": -(2**53 - 1)},
        20: {"checklist": {"a": True, "b": None}, "list": ["s", 1, {"k": [1, 2]}]},
        30: {"z": {"a": {"b": [0]}}},
        40: {"d": {"a": {"b": {"c": {"e": 1}}}}},
    }
    assert check_chain(_chain_with(60, special)).ok


def test_floats_are_named_at_any_depth() -> None:
    lines = _chain_with(60, {50: {"x": {"y": [1.5]}}})
    problem = check_chain(lines).problem
    assert problem is not None and problem.seq == 50 and "non-integer" in problem.reason


def test_a_huge_integer_inside_an_attestation_is_named_when_entries_are_replayed() -> None:
    """Attestations are part of the canonical line: their values are range-checked too."""
    lines = _raw_chain(299, {}, {250: [{"role": "a", "counter": 2**60}]})
    seen: list[int] = []
    result = check_chain(lines, lambda entry: seen.append(entry.seq))
    assert result.problem is not None and result.problem.seq == 250
    assert "outside canonical JSON" in result.problem.reason
    assert seen == list(range(1, 250))


def test_a_line_holding_two_entries_is_named() -> None:
    lines = chain([{"n": n} for n in range(10)])
    two_in_one = [*lines[:2], lines[2] + b"," + lines[3], *lines[4:]]
    result = check_chain(two_in_one)
    assert result.problem is not None
    assert (result.problem.seq, result.problem.line) == (3, 3)
    assert result.problem.reason.startswith("is not valid JSON")
