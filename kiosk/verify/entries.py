"""The per-entry checks of spec sections 4-5, as the verifier's walk uses them.

They live in :mod:`kiosk.rules.entries`, below both the verifier and the
terminal's journal, so that the terminal runs at every unlock (and in
"Check the whole chain") exactly the checks ``sealroom verify`` runs on a
bundle, from the same code. This module keeps the verifier's names for them,
and counts what the walk checked for the verdict to list
(:class:`kiosk.verify.result.Checked`): attestations and who made them,
entries under dual control, key unlocks, and how each anchor was met.
"""

from __future__ import annotations

from collections.abc import Sequence

from kiosk.format.entry import Entry
from kiosk.rules import entries
from kiosk.rules.entries import DUAL_KINDS, PROJECT_DUAL_KINDS
from kiosk.rules.exceptions import claims_exception
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
        #: anchor seq -> whether the entry at that seq had the anchor's hash
        self.anchor_met: dict[int, bool] = {}
        self._first_enrolment = False

    def check(self, e: Entry) -> str | None:
        if e.seq in self.anchors:
            self.anchor_met[e.seq] = self.anchors[e.seq] == e.hash
        self._first_enrolment = self._self_enrolment(e)
        return super().check(e)

    def apply(self, e: Entry) -> None:
        """Fold ``e`` as the rules do, then count what was checked in it."""
        super().apply(e)
        done = self.result.checked
        done.attestations += len(e.attest)
        people = {a.get("custodian") for a in e.attest}
        done.signers.update(p for p in people if isinstance(p, str))
        name = e.data.get("name")
        if e.kind == "custodian.enrolled" and isinstance(name, str):
            done.names.setdefault(str(e.data.get("custodian")), name)
        if e.kind in DUAL_KINDS or e.kind in PROJECT_DUAL_KINDS:
            if len(people) >= 2:
                done.dual_two_people += 1
            elif claims_exception(e.data):
                done.dual_exception += 1
            elif self._first_enrolment:
                done.dual_first_enrolments += 1  # each signed by the key it enrols
            else:
                done.dual_one_person += 1  # a project kind: a dual.project finding
        if e.kind == "terminal.unlocked" and e.data.get("method") == "key":
            done.key_unlocks += 1
