"""What the auditors' verifier says about a bundle's authenticity (``sealroom verify``).

Why a separate area: these are the sentences an auditor acts on when a
bundle is intact but its key was never checked against an independent copy,
or was checked and is the wrong one. ``{key}`` is the bundle's own key's
fingerprint, ``{trusted}`` those the auditor gave.
"""

from __future__ import annotations

from kiosk.errors.messages.message import Message

MESSAGES: dict[str, Message] = {
    "verify.not_authenticated": Message(
        "The bundle is intact, but not authenticated: no trusted key was given, so its "
        "signature was checked only with the key the bundle carries itself ({key}), and "
        "anyone who can write a bundle can sign it with a key of their own.",
        "Compare {key} with the fingerprint on the terminal identity sheet (or the "
        "commissioning sheet), then run again with --kiosk-key FILE (the terminal's kiosk.pub, "
        "or a key file you made from the sheet) — or, having compared it, with "
        "--trust-bundle-key to accept the bundle's own key.",
    ),
    "verify.own_key_trusted": Message(
        "Verified with the bundle's own key {key}, which you chose to trust "
        "(--trust-bundle-key): no independent copy of the terminal's key was given.",
        "Make sure {key} is the fingerprint on the terminal identity sheet (or the "
        "commissioning sheet); with --kiosk-key the verifier compares it for you.",
    ),
    "verify.untrusted_key": Message(
        "This bundle's key {key} is not the trusted key given ({trusted}): it is not the "
        "journal of the terminal that key belongs to.",
        "Check that you gave the kiosk.pub of this bundle's terminal; if you did, do not trust "
        "the bundle, and report it.",
    ),
}
