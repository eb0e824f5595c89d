"""Amendment 1 bounds on a journal line: 1 MiB and 64 levels, an error and never a crash.

``check_line`` is what the terminal runs at every unlock and the verifier on
every bundle, so both get the bound from here.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.format.entry import (
    GENESIS_PREV,
    MAX_DEPTH,
    MAX_LINE,
    Entry,
    check_chain,
    check_line,
    too_deep,
)

TS = "2026-03-01T10:00:00.000Z"


def _line(data: dict[str, Any]) -> bytes:
    return Entry(1, TS, "test.kind", data, GENESIS_PREV).sealed().line()


def _nested(levels: int) -> Any:
    value: Any = "leaf"
    for _ in range(levels):
        value = [value]
    return value


def test_a_line_of_1_mib_is_checked_and_one_byte_more_is_refused() -> None:
    short = _line({"pad": ""})
    pad = "x" * (MAX_LINE - len(short))
    exact = _line({"pad": pad})
    assert len(exact) == MAX_LINE
    assert isinstance(check_line(exact, 1, GENESIS_PREV, None), Entry)
    longer = _line({"pad": pad + "x"})
    assert check_line(longer, 1, GENESIS_PREV, None) == (
        f"is longer than 1 MiB ({MAX_LINE + 1} bytes or more)"
    )


def test_64_levels_are_checked_and_65_refused() -> None:
    # The line is level 1 and data level 2: 62 lists inside data make 64 levels.
    ok = _line({"deep": _nested(MAX_DEPTH - 2)})
    assert isinstance(check_line(ok, 1, GENESIS_PREV, None), Entry)
    deep = _line({"deep": _nested(MAX_DEPTH - 1)})
    assert check_line(deep, 1, GENESIS_PREV, None) == "holds JSON nested deeper than 64 levels"


def test_nesting_far_beyond_the_recursion_limit_is_an_error_not_a_crash() -> None:
    for raw in (b"[" * 200_000, b'{"a":' * 200_000, b"[" * 100_000 + b"]" * 100_000):
        result = check_chain([raw])
        assert result.problem is not None
        assert result.problem.reason == "holds JSON nested deeper than 64 levels"


def test_brackets_inside_strings_do_not_count() -> None:
    line = _line({"text": "[[[[{{{{" * 100, "quote": '\\"[[[' * 50})
    assert isinstance(check_line(line, 1, GENESIS_PREV, None), Entry)


def _depth(value: Any) -> int:
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    return 0


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10, 10) | st.text(alphabet='[]{}"\\ab,:'),
    lambda c: (
        st.lists(c, max_size=3) | st.dictionaries(st.text(alphabet='[]{}"\\a'), c, max_size=3)
    ),
    max_leaves=40,
)


@settings(max_examples=300, deadline=None)
@given(json_values, st.integers(0, 8))
def test_too_deep_agrees_with_the_nesting_of_any_json(value: Any, limit: int) -> None:
    raw = json.dumps(value, ensure_ascii=False).encode()
    assert too_deep(raw, limit) == (_depth(value) > limit)
