"""Loading the user-interface translations (Qt's translation system).

Every user-visible string in ``ui/`` goes through ``tr()`` (or
``QCoreApplication.translate`` outside a QObject). This module installs the
catalogue ``assets/i18n/sealroom_<locale>.qm`` that matches the terminal's
locale, so a deployment in another language ships one ``.qm`` file and
changes no code.

Invariants:

* The source strings are English, so a missing catalogue never leaves the
  screen empty: Qt falls back to the source text. The English catalogue is
  still shipped and loaded so that a wording fix made there (without
  touching code) reaches the screen, and so the loading path is exercised on
  every start of the terminal.
* Exactly one Sealroom translator is installed at a time; installing again
  (a test, a locale change) removes the previous one first.
* Nothing here reads the journal or touches a device: it runs before the
  unlock screen is painted and must stay cheap (one small file read).

Updating the catalogue (developers, after changing user text)::

    .venv/bin/python -m ui.i18n

runs ``pyside6-lupdate`` over ``ui/`` (and the core's plain words for
journal kinds, ``kiosk/format/kind_words.py``) into ``assets/i18n/sealroom_en.ts``,
fills every English translation with its source text (so nothing stays
"unfinished") and compiles it with ``pyside6-lrelease``. Translators open
``sealroom_<lang>.ts`` in Qt Linguist (``pyside6-linguist``).
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLocale, QTranslator

ROOT = Path(__file__).resolve().parent.parent
I18N_DIR = ROOT / "assets" / "i18n"
PREFIX = "sealroom"
#: the language the source strings are written in (and the fallback catalogue)
SOURCE_LANGUAGE = "en"

_installed: QTranslator | None = None


def catalogue_for(locale: QLocale, directory: Path = I18N_DIR) -> Path | None:
    """The ``.qm`` file for ``locale`` (``sealroom_de_CH``, then ``sealroom_de``), else English."""
    names = [locale.name(), locale.name().split("_")[0], SOURCE_LANGUAGE]
    for name in names:
        path = directory / f"{PREFIX}_{name}.qm"
        if path.is_file():
            return path
    return None


def install_translator(
    app: QCoreApplication,
    locale_name: str | None = None,
    directory: Path = I18N_DIR,
) -> QTranslator | None:
    """Install the catalogue for ``locale_name`` (default: the system locale) on ``app``.

    Returns the installed translator, or ``None`` when no catalogue exists
    (the English source text is then shown). Must run before the windows are
    built: widgets translate their text once, when they are constructed.
    """
    global _installed
    locale = QLocale(locale_name) if locale_name else QLocale.system()
    path = catalogue_for(locale, directory)
    if _installed is not None:
        app.removeTranslator(_installed)
        _installed = None
    if path is None:
        return None
    translator = QTranslator(app)
    if not translator.load(str(path)):
        return None
    app.installTranslator(translator)
    _installed = translator
    return translator


def remove_translator(app: QCoreApplication) -> None:
    """Take the installed Sealroom translator off ``app`` (tests)."""
    global _installed
    if _installed is not None:
        app.removeTranslator(_installed)
        _installed = None


def _tool(name: str) -> str:
    """A Qt tool from the virtualenv that runs this interpreter (or from PATH)."""
    beside = Path(sys.executable).parent / name
    import shutil  # catalogue building only: kept off the kiosk's start

    found = str(beside) if beside.exists() else shutil.which(name)
    if found is None:
        raise SystemExit(f"{name} not found: install PySide6 in this environment")
    return found


def fill_source_language(ts_file: Path) -> int:
    """Give every message of an English catalogue its source text; returns how many changed.

    lupdate leaves new messages "unfinished" with an empty translation, and
    lrelease drops unfinished messages, so an English catalogue would be
    empty. In the source language the translation is the source itself.
    """
    import xml.etree.ElementTree as ET  # catalogue building only

    tree = ET.parse(ts_file)  # noqa: S314 - our own file, not untrusted input
    changed = 0
    for message in tree.getroot().iter("message"):
        source = message.find("source")
        translation = message.find("translation")
        if source is None or translation is None:
            continue
        if translation.get("type") in ("vanished", "obsolete"):
            continue
        if translation.get("type") == "unfinished" or not (translation.text or ""):
            translation.text = source.text
            translation.attrib.pop("type", None)
            changed += 1
    ET.indent(tree)
    tree.write(ts_file, encoding="utf-8", xml_declaration=True)
    return changed


def update_catalogue(directory: Path = I18N_DIR) -> Path:
    """Re-extract ``ui/`` strings, fill the English catalogue, compile it; returns the .qm."""
    import subprocess  # catalogue building only: kept off the kiosk's start

    directory.mkdir(parents=True, exist_ok=True)
    ts_file = directory / f"{PREFIX}_{SOURCE_LANGUAGE}.ts"
    qm_file = ts_file.with_suffix(".qm")
    sources = sorted(str(p) for p in (ROOT / "ui").rglob("*.py"))
    # The core's plain words for journal kinds, marked for translation there.
    sources.append(str(ROOT / "kiosk" / "format" / "kind_words.py"))
    subprocess.run(  # noqa: S603 - fixed tool, argument list, no shell
        [_tool("pyside6-lupdate"), *sources, "-no-obsolete", "-ts", str(ts_file)],
        check=True,
        cwd=ROOT,
    )
    fill_source_language(ts_file)
    subprocess.run(  # noqa: S603 - fixed tool, argument list, no shell
        [_tool("pyside6-lrelease"), str(ts_file), "-qm", str(qm_file)],
        check=True,
        cwd=ROOT,
    )
    return qm_file


if __name__ == "__main__":
    print(update_catalogue())
