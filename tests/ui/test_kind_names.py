"""Operators read what was recorded in plain, translatable words, not journal kind names.

The table (``kiosk/format/kind_words.py``, translated by ``ui/kind_names.py``)
must cover every kind of the journal's schema (a new kind cannot be forgotten),
its phrases must reach the translators' catalogue under the context the code
translates with, a translated catalogue must change the words, and the flow screen's banner
and the journal browser must use them — the browser keeping the raw kind
beside them, since auditors search by it.
"""

from __future__ import annotations

import subprocess
import xml.etree.ElementTree as ET  # our own catalogues (not untrusted input)
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kiosk.format import kind_words
from kiosk.format.kinds import KINDS
from tests.ui.kiosk_driver import (
    T,
    declare,
    fill,
    make_window,
    press,
    retype,
    submit,
    type_into,
    unlock,
    wait_step,
)
from tests.ui.test_i18n import compile_catalogue
from ui import i18n, kind_names
from ui.kind_names import PHRASES, kind_phrase, recorded_phrase

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture
def app(qapp: QApplication) -> Iterator[QApplication]:
    yield qapp
    i18n.remove_translator(qapp)


def extracted(ts: Path) -> dict[str, set[str]]:
    root = ET.parse(ts).getroot()  # noqa: S314 - produced by lupdate / shipped
    return {
        c.findtext("name") or "": {m.findtext("source") or "" for m in c.iter("message")}
        for c in root.iter("context")
    }


def test_every_journal_kind_has_its_own_plain_phrase() -> None:
    assert set(PHRASES) == set(KINDS), (
        f"missing: {sorted(set(KINDS) - set(PHRASES))}; "
        f"not a kind: {sorted(set(PHRASES) - set(KINDS))}"
    )
    for kind, phrase in PHRASES.items():
        assert phrase and "." not in phrase and "_" not in phrase, (kind, phrase)
        assert phrase != kind
    assert len(set(PHRASES.values())) == len(PHRASES)  # two kinds never read the same


def test_the_banner_words_count_repeats_and_never_fail_on_an_unknown_kind(
    app: QApplication,
) -> None:
    assert kind_phrase("invocation.declared") == "the emergency declaration"
    said = recorded_phrase(["documentation.discrepancy", "session.action", "session.action"])
    assert said == "the discrepancy with the audit log, the action taken (×2)"
    assert kind_phrase("future.kind") == "future.kind"  # a newer journal: its raw name


def test_lupdate_extracts_every_phrase_and_the_shipped_catalogue_has_them(tmp_path: Path) -> None:
    ts = tmp_path / "kinds.ts"
    subprocess.run(
        [i18n._tool("pyside6-lupdate"), kind_words.__file__, "-ts", str(ts)],
        check=True,
        capture_output=True,
    )
    found = extracted(ts)
    assert set(found) == {kind_names.CONTEXT}
    assert set(PHRASES.values()) <= found[kind_names.CONTEXT]
    shipped = extracted(i18n.I18N_DIR / "sealroom_en.ts").get(kind_names.CONTEXT, set())
    missing = found[kind_names.CONTEXT] - shipped
    assert not missing, f"not in the shipped catalogue (run python -m ui.i18n): {missing}"


def test_a_translated_phrase_is_what_is_said(app: QApplication, tmp_path: Path) -> None:
    compile_catalogue(tmp_path, "de", {"the emergency declaration": "die Notfallerklärung"})
    assert i18n.install_translator(app, "de_CH", directory=tmp_path) is not None
    assert kind_phrase("invocation.declared") == "die Notfallerklärung"
    assert recorded_phrase(["invocation.declared"]) == "die Notfallerklärung"


def test_the_banner_and_the_journal_browser_say_it_plainly(qtbot: QtBot, root: Path) -> None:
    w, _clock, _sc = make_window(qtbot, root)
    unlock(qtbot, w)
    declare(qtbot, w)
    f = w.flow_screen
    fill(qtbot, w, {"confirm": True})
    submit(qtbot, w)
    wait_step(qtbot, w, "acknowledge")
    assert "Recorded: the emergency declaration. Printed:" in f.banner.text()
    assert "invocation.declared" not in f.banner.text()

    press(qtbot, f.close_button)
    press(qtbot, w.dashboard.journal_button)
    screen = w.screens["journal"]
    qtbot.waitUntil(lambda: bool(screen.rows), timeout=T)  # type: ignore[attr-defined]
    type_into(qtbot, w, screen.search, "invocation.declared")  # type: ignore[attr-defined]
    shown = [screen.list.item(i).text() for i in range(screen.list.count())]  # type: ignore[attr-defined]
    assert len(shown) == 1 and "The emergency declaration" in shown[0]
    assert "invocation.declared" not in shown[0]  # the journal's name only in the detail view
    screen.list.setCurrentRow(0)  # type: ignore[attr-defined]
    assert "kind invocation.declared" in screen.detail.text()  # type: ignore[attr-defined]
    assert "Dana Whitfield (dana)" in screen.detail.text()  # type: ignore[attr-defined]
    assert "1 of " in screen.banner.text()  # type: ignore[attr-defined]
    retype(qtbot, w, screen.search, "emergency declaration")  # type: ignore[attr-defined]
    assert screen.list.count() == 1  # type: ignore[attr-defined]
