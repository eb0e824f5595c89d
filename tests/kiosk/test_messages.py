"""The one message table: built from one module per area, every code defined once."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import kiosk.errors.messages
from kiosk.errors.messages import AREAS, MESSAGES, render
from kiosk.errors.messages.message import Message, one_table

PACKAGE = Path(kiosk.errors.messages.__file__).parent


def _codes_written_in(path: Path) -> list[str]:
    """The codes of the ``MESSAGES`` literal in ``path``, as written (duplicates kept)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and node.target.id == "MESSAGES"
            and isinstance(node.value, ast.Dict)
        ):
            return [k.value for k in node.value.keys if isinstance(k, ast.Constant)]
    raise AssertionError(f"{path.name} has no MESSAGES table")


def test_every_area_module_is_part_of_the_table() -> None:
    modules = {p.stem for p in PACKAGE.glob("*.py")} - {"__init__", "message"}
    assert modules == set(AREAS)


def test_no_code_is_defined_twice_across_the_area_modules() -> None:
    """Read from the source, so a repeated key inside one literal is caught too."""
    written = [code for area in AREAS for code in _codes_written_in(PACKAGE / f"{area}.py")]
    twice = sorted({code for code in written if written.count(code) > 1})
    assert twice == []
    assert sorted(written) == sorted(MESSAGES)


def test_a_code_in_two_areas_stops_the_import() -> None:
    one = Message("What happened.", "What to do.")
    with pytest.raises(ValueError, match=r"'journal.busy' is defined in journal and keys"):
        one_table({"journal": {"journal.busy": one}, "keys": {"journal.busy": one}})


def test_render_fills_fields_and_shows_a_missing_one_by_name() -> None:
    assert render("envelope.unknown", {"serial": "SR1"}).startswith("Envelope SR1 is not")
    assert "(serial)" in render("envelope.unknown", {})
