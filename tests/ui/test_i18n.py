"""The shipped English catalogue loads, and a catalogue's text reaches the screen.

The second test compiles a catalogue whose translation of one unlock-screen
string differs from the source (as a translator would, in Linguist), loads
it through the same path the application uses (``ui.i18n``) and checks the
real UnlockScreen shows the translated words: if the loader or ``tr()`` were
bypassed, the English source text would appear instead.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET  # our own test catalogue (not untrusted input)
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLocale
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kiosk.format.clock import FakeClock
from kiosk.policy import Policy
from ui import i18n
from ui.app_context import AppContext
from ui.screens.unlock import UnlockScreen
from ui.workers import InlineRunner

LOCKED = "Sealroom is locked"
UNLOCK = "Unlock with my security key"


@pytest.fixture
def app(qapp: QApplication) -> Iterator[QApplication]:
    yield qapp
    i18n.remove_translator(qapp)


def test_the_english_catalogue_ships_complete_and_loads(app: QApplication) -> None:
    ts = ET.parse(i18n.I18N_DIR / "sealroom_en.ts").getroot()  # noqa: S314 - shipped file
    sources = {m.findtext("source") for m in ts.iter("message")}
    assert {LOCKED, UNLOCK} <= sources
    unfinished = [m.findtext("source") for m in ts.iter("translation") if m.get("type")]
    assert unfinished == []
    translator = i18n.install_translator(app, "en_GB")
    assert translator is not None and not translator.isEmpty()
    assert translator.filePath().endswith("sealroom_en.qm")
    assert translator.translate("UnlockScreen", LOCKED) == LOCKED
    assert QCoreApplication.translate("UnlockScreen", UNLOCK) == UNLOCK


def test_a_locale_without_its_own_catalogue_falls_back_to_english(tmp_path: Path) -> None:
    assert i18n.catalogue_for(QLocale("fr_CH")) == i18n.I18N_DIR / "sealroom_en.qm"
    assert i18n.catalogue_for(QLocale("fr_CH"), tmp_path) is None


def compile_catalogue(tmp_path: Path, lang: str, changes: dict[str, str]) -> Path:
    """The shipped .ts with some translations changed, compiled by lrelease into tmp_path."""
    tree = ET.parse(i18n.I18N_DIR / "sealroom_en.ts")  # noqa: S314 - shipped file
    for message in tree.getroot().iter("message"):
        source = message.findtext("source")
        translation = message.find("translation")
        if source in changes and translation is not None:
            translation.text = changes[source]
    ts = tmp_path / f"sealroom_{lang}.ts"
    tree.write(ts, encoding="utf-8", xml_declaration=True)
    import subprocess

    subprocess.run(
        [i18n._tool("pyside6-lrelease"), str(ts), "-qm", str(ts.with_suffix(".qm"))],
        check=True,
        capture_output=True,
    )
    return ts.with_suffix(".qm")


def test_a_translated_string_is_what_the_screen_shows(
    app: QApplication, qtbot: QtBot, tmp_path: Path, policy: Policy
) -> None:
    qm = compile_catalogue(
        tmp_path, "de", {LOCKED: "Sealroom ist gesperrt", UNLOCK: "Mit meinem Schlüssel entsperren"}
    )
    translator = i18n.install_translator(app, "de_CH", directory=tmp_path)
    assert translator is not None and translator.filePath() == str(qm)
    ctx = AppContext(policy, tmp_path / "data", FakeClock(), InlineRunner())
    screen = UnlockScreen(ctx)
    qtbot.addWidget(screen)
    texts = {w.text() for w in screen.findChildren(type(screen.key_button))}
    assert "Mit meinem Schlüssel entsperren" in texts
    assert screen.key_button.text() == "Mit meinem Schlüssel entsperren"
    # untouched strings stay as the catalogue has them
    assert screen.recovery_link.text() == "Use the recovery passphrase instead"
    # taking the translator off restores the source language
    i18n.remove_translator(app)
    assert QCoreApplication.translate("UnlockScreen", UNLOCK) == UNLOCK


def _messages(ts_file: Path) -> set[tuple[str, str]]:
    root = ET.parse(ts_file).getroot()  # noqa: S314 - shipped file or lupdate's output
    return {
        (ctx.findtext("name") or "", m.findtext("source") or "")
        for ctx in root.iter("context")
        for m in ctx.iter("message")
    }


def test_the_shipped_catalogue_holds_every_string_the_screens_ask_for(tmp_path: Path) -> None:
    """A string added to the screens without re-running ``python -m ui.i18n`` fails here."""
    import shutil

    shipped = i18n.I18N_DIR / "sealroom_en.ts"
    shutil.copy(shipped, tmp_path / shipped.name)
    i18n.update_catalogue(tmp_path)
    assert _messages(tmp_path / shipped.name) == _messages(shipped)
