"""Every user string of ``ui/screens/fields.py`` is in the catalogue, under the context used.

``fields.py`` translates outside any QObject (``QCoreApplication.translate``
with the context ``FieldEditor``). pyside6-lupdate extracts only literal
calls, so a helper like ``tr(text)`` would put the strings under an empty
context (or none) and a translator's work would never reach the screen.
These tests run the real pyside6-lupdate over the module (as ``ui.i18n`` /
``make`` do), check the shipped English catalogue holds the same strings,
and check a translated catalogue changes the words on a real RowsInput.
"""

from __future__ import annotations

import ast
import datetime as dt
import subprocess
import xml.etree.ElementTree as ET  # our own catalogues (not untrusted input)
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.ui.test_i18n import compile_catalogue
from ui import i18n
from ui.screens import field_inputs, fields

#: fields.py and the inputs split from it (times, rows): one translation context
FIELDS = (Path(fields.__file__), Path(field_inputs.__file__))


def literal_strings() -> set[str]:
    """Every string literal passed to translate/QT_TRANSLATE_NOOP in fields.py (the source)."""
    out: set[str] = set()
    nodes = [n for f in FIELDS for n in ast.walk(ast.parse(f.read_text("utf-8")))]
    for node in nodes:
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "attr", getattr(node.func, "id", ""))
        if name in ("translate", "QT_TRANSLATE_NOOP") and len(node.args) == 2:
            ctx, text = node.args
            if isinstance(ctx, ast.Constant) and isinstance(text, ast.Constant):
                assert ctx.value == fields.CONTEXT
                out.add(str(text.value))
    return out


def extracted(ts: Path) -> dict[str, set[str]]:
    root = ET.parse(ts).getroot()  # noqa: S314 - produced by lupdate in this test
    return {
        c.findtext("name") or "": {m.findtext("source") or "" for m in c.iter("message")}
        for c in root.iter("context")
    }


@pytest.fixture
def app(qapp: QApplication) -> Iterator[QApplication]:
    yield qapp
    i18n.remove_translator(qapp)


def test_lupdate_extracts_every_fields_string_under_its_runtime_context(tmp_path: Path) -> None:
    ts = tmp_path / "fields.ts"
    subprocess.run(
        [i18n._tool("pyside6-lupdate"), *map(str, FIELDS), "-ts", str(ts)],
        check=True,
        capture_output=True,
    )
    found = extracted(ts)
    wanted = literal_strings()
    # the words people see on rows, times and choices; the run-time-chosen column words too
    assert {"Now", "Add row", "Remove", "Yes", "No", "— choose —", "Outside the stated reason"} <= (
        wanted
    )
    assert set(found) == {fields.CONTEXT}, f"strings under other contexts: {found}"
    assert found[fields.CONTEXT] == wanted
    shipped = extracted(i18n.I18N_DIR / "sealroom_en.ts")
    missing = wanted - shipped.get(fields.CONTEXT, set())
    assert not missing, f"not in the shipped catalogue (run python -m ui.i18n): {missing}"


def test_a_translated_fields_string_reaches_the_screen(
    app: QApplication, qtbot: QtBot, tmp_path: Path
) -> None:
    compile_catalogue(
        tmp_path, "de", {"Add row": "Zeile hinzufügen", "Outside the stated reason": "Ausserhalb"}
    )
    assert i18n.install_translator(app, "de_CH", directory=tmp_path) is not None
    table = fields.RowsInput(
        "Reconstructed actions",
        ("at", "action", "outside_reason"),
        {},
        "Europe/Zurich",
        lambda: dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )
    qtbot.addWidget(table)
    assert table.add_button.text() == "Zeile hinzufügen"
    box = table.rows[0]["outside_reason"]
    assert box.text() == "Ausserhalb"  # type: ignore[attr-defined]
