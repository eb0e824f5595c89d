"""The demo's desk (issue 22): the printed papers, the auditor's stick, the auditor.

Only ``sealroom demo`` shows these: what the simulated printer produced,
the stick plugged in for the export and the auditor's verdict on the
bundle. Each says what to do next, as every message does.
"""

from __future__ import annotations

from kiosk.errors.messages.message import Message

MESSAGES: dict[str, Message] = {
    "demo.no_pages": Message(
        "This paper cannot be shown: poppler's pdftoppm is not installed.",
        "Install the package poppler-utils (apt-get install poppler-utils) and open it again.",
    ),
    "demo.no_codes": Message(
        "No code could be read off this paper.",
        "Install zxing-cpp and Pillow in the demo's Python (make demo does), then open it again.",
    ),
    "demo.stick_plugged": Message(
        "The auditor's stick is plugged in.",
        "On the export screen press 'Look for USB sticks': it is listed there.",
    ),
    "demo.stick_unplugged": Message(
        "The auditor's stick is unplugged.",
        "Plug it in before the export; the bundle written on it stays there.",
    ),
    "demo.no_bundle": Message(
        "There is no audit bundle on the auditor's stick.",
        "Export first: Audit export on the dashboard, with the stick plugged in.",
    ),
    "demo.auditing": Message(
        "The auditor runs 'sealroom verify' on {bundle} with the terminal's key.",
        "This takes a few seconds.",
    ),
    "demo.verified": Message(
        "The auditor's verdict: VERIFIED, authenticated with the terminal's key.",
        "The report below lists what was checked.",
    ),
    "demo.not_verified": Message(
        "The auditor's verdict: not verified (exit code {code}).",
        "Read the report below: it says what failed.",
    ),
}
