"""Timestamps: exactly ``YYYY-MM-DDTHH:MM:SS.mmmZ`` and nothing else."""

from __future__ import annotations

import pytest

from kiosk.format.clock import is_ts, parse_ts


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-27T10:00:00.000Z\n",  # "$" would let a final newline through
        "2026-11-27T10:00:00.000Z ",
        " 2026-11-27T10:00:00.000Z",
        "2026-11-27T10:00:00Z",
        "2026-11-27 10:00:00.000Z",
        "2026-11-27T10:00:00.000+00:00",
    ],
)
def test_anything_but_the_exact_shape_is_refused(text: str) -> None:
    assert not is_ts(text)
    with pytest.raises(ValueError, match="is not YYYY-MM-DD"):
        parse_ts(text)


def test_the_exact_shape_is_accepted() -> None:
    assert is_ts("2026-11-27T10:00:00.123Z")
    assert parse_ts("2026-11-27T10:00:00.123Z").microsecond == 123000
