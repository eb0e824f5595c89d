"""Issue 22's "Done when": the demo itself, walked from the unlock to a verified bundle.

The window is built by :func:`ui.cli_simulation.demo_context`, the function
``sealroom demo`` runs (real clock, the demo's printer, stick and auditor).
Every step is clicked, typed or scanned on the window and its demo panel
(tests/ui/demo_walk.py); any step that cannot be done fails the test.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent
from pytestqt.qtbot import QtBot

from kiosk.policy import load_policy
from tests.ui.demo_walk import open_demo, walk
from tests.ui.fit import SIZES, misfits
from tests.ui.kiosk_driver import the_state

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.mark.usefixtures("themed")  # the terminal's own look: big type, big buttons
def test_the_demo_walks_from_unlock_through_emergency_reset_review_export_to_a_verified_bundle(
    qtbot: QtBot, tmp_path: Path
) -> None:
    policy = load_policy()
    w, desk = open_demo(qtbot, tmp_path / "demo", policy)
    misfit: dict[str, list[str]] = {}

    def fits(step: str) -> None:
        """Every step of the demo, panel included, fits 1280x800 and 1024x768 (issue 22).

        At 1024x768 the panel leaves the screens 724 px; a confirmation's words
        wrap beside their box (``ui/screens/fields.py`` ``CheckWords``).
        """
        for size in reversed(SIZES):
            w.resize(*size)
            # rows a screen rebuilt are deleted later, by the event loop (not running here)
            QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
            found = misfits(w, size)
            if found:
                misfit[f"{step} at {size}"] = found
        w.resize(*SIZES[0])

    seen = walk(qtbot, w, desk, fits)
    assert misfit == {}, "\n".join(f"{k}: {v}" for k, v in misfit.items())
    state = the_state(w)
    # no clock confirmation was asked: the demo's journal ended at the real time
    assert not any(e.kind == "clock.confirmed" for e in w.journal.entries(1))  # type: ignore[union-attr]
    inc = next(iter(state.incidents.by_id.values()))
    assert inc.signed_at is not None and inc.rotated_at is not None
    assert inc.reviewed_at is not None
    assert state.envelopes[seen["opened"]].state == "destroyed"
    assert all(state.envelopes[b].state == "sealed" for b in seen["bags"])
    assert seen["bundle"].parent == desk.stick.folder
    assert seen["code"] == 0, seen["report"]
    head, *rest = seen["report"].splitlines()
    assert head == f"{seen['bundle']}: VERIFIED", head
    assert any(x.strip().startswith("trusted key") and "given with --kiosk-key" in x for x in rest)
    assert any(x.strip().startswith("signed by") and x.endswith("the trusted key") for x in rest)
    # a whole walk leaves nothing for a reviewer: security acknowledged the opening
    assert "findings" not in seen["report"], seen["report"]
    auditor = w.demo_panel.auditor  # type: ignore[union-attr]
    assert auditor is not None
    assert "VERIFIED, authenticated with the terminal's key" in auditor.verdict.text()
    w.lock()
