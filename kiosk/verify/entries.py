"""The per-entry checks of spec sections 4-5, as the verifier's walk uses them.

They live in :mod:`kiosk.rules.entries`, below both the verifier and the
terminal's journal, so that the terminal runs at every unlock (and in
"Check the whole chain") exactly the checks ``sealroom verify`` runs on a
bundle, from the same code. This module keeps the verifier's names for them.
"""

from __future__ import annotations

from collections.abc import Sequence

from kiosk.rules import entries
from kiosk.rules.entries import DUAL_KINDS, PROJECT_DUAL_KINDS
from kiosk.verify.result import VerifyResult

__all__ = ["DUAL_KINDS", "PROJECT_DUAL_KINDS", "EntryChecker"]


class EntryChecker(entries.EntryChecker):
    """The rules' checker, its errors and findings going into one bundle's verdict.

    Never ``strict``: for an auditor, the project's own rules (a kind only
    this project puts under dual control, a key unlock's assertion) are
    findings, not errors (spec section 7: nothing else is an error).
    """

    result: VerifyResult

    def __init__(
        self,
        result: VerifyResult,
        anchors: Sequence[tuple[int, str]] = (),
        check_signatures: bool = True,
    ) -> None:
        super().__init__(result, anchors, check_signatures)
