"""Canonical JSON exactly as spec section 2 writes it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.format.canonical import MAX_SAFE_INT, NotCanonicalError, b64u, b64u_decode, canon

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(MAX_SAFE_INT - 1), max_value=MAX_SAFE_INT - 1)
    | st.text()
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4)
    ),
    max_leaves=20,
)


def spec_bytes(obj: Any) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


@given(json_values)
def test_canon_is_the_spec_expression(obj: Any) -> None:
    try:
        spec = spec_bytes(obj)
    except UnicodeEncodeError:
        with pytest.raises(NotCanonicalError):
            canon(obj)
        return
    assert canon(obj) == spec


def test_canon_writes_non_ascii_as_itself_and_sorts_keys() -> None:
    assert canon({"b": "é", "a": [1, True, None]}) == '{"a":[1,true,null],"b":"é"}'.encode()


@pytest.mark.parametrize("bad", [1.5, 2.0, MAX_SAFE_INT, -MAX_SAFE_INT, {"a": [0.1]}, {1: "x"}])
def test_values_outside_the_subset_are_refused(bad: Any) -> None:
    with pytest.raises(NotCanonicalError):
        canon(bad)


@given(st.binary(max_size=80))
def test_b64u_round_trip_without_padding(raw: bytes) -> None:
    text = b64u(raw)
    assert "=" not in text and "+" not in text and "/" not in text
    assert b64u_decode(text) == raw


def test_b64u_decode_refuses_non_canonical_text() -> None:
    with pytest.raises(ValueError):
        b64u_decode("AB")  # trailing bits set: not what b64u would write
