"""Retiring a terminal in one procedure: final export, ``terminal.retired``, certificate, keys gone.

``sealroom retire`` (``ui/cli_continuity.py``) runs :func:`retire_terminal`
with the devices it opened: the stick's :class:`DirectoryWriter`, a way to
collect the named people's touches, and a way to put the certificate on
paper (CUPS) or in a PDF file. The export is the export screen's own code
path (:func:`start_export_approval`, then :func:`export_bundle`), not a
second one.

Order, and why:

1. ``export.approved``, signed by an enrolled auditor and a custodian: an
   approval that is then not used (the retirement below is refused or
   cancelled) is closed with ``export.failed`` here, or at the next unlock
   after a crash (``kiosk/terminal/repair.py``); the terminal is unchanged.
2. ``terminal.retired``, signed by the two custodians named: from here on
   every unlock refuses to run the terminal (``kiosk/terminal/retire.py``).
3. The final export, written under that approval: the bundle holds every
   entry up to ``terminal.retired``, its last one, so ``sealroom verify``
   reports the retirement; ``export.created`` follows it on the terminal.
4. The certificate, built from the journal's facts, printed (or written
   to a PDF). If that fails, nothing is destroyed: run the command again.
5. The key material destroyed (:func:`destroy_key_material`): the
   ``RETIRED`` note, holding the certificate's facts, is written first.

Taken up where it stopped: run again after a crash or a failure, the
procedure finds ``terminal.retired`` (the unlock lets ``sealroom retire``
through) and does only what is left: a new approval and the export if no
bundle holds the retirement yet, then the certificate and the destruction.
An unlock other than this command finishes the destruction itself when the
final export exists, and refuses (``terminal.retire_unfinished``) when not.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from kiosk.errors import ApprovalError, JournalError
from kiosk.export.directory import DirectoryWriter
from kiosk.export.writer import ExportResult, ReportRenderer, export_bundle, start_export_approval
from kiosk.format.entry import Entry
from kiosk.journal.store import Journal
from kiosk.paper.retirement import RetirementCertificate
from kiosk.policy import Policy
from kiosk.state import State
from kiosk.terminal.approvals import Approval, SecurityKeys
from kiosk.terminal.repair import close_open_exports
from kiosk.terminal.retire import (
    destroy_key_material,
    final_export_after,
    find_retirement,
    retirement_facts,
    start_retirement,
)

#: Collects the touches of the people named, in order, and commits the entry.
Sign = Callable[[Approval, Sequence[str]], Entry]
#: Puts the certificate on paper (or in a PDF file); raises if it could not.
Emit = Callable[[RetirementCertificate], None]


@dataclass(frozen=True)
class Retirement:
    """What the procedure did; ``export`` is None when an earlier run had written it."""

    retired: Entry
    export: ExportResult | None
    certificate: RetirementCertificate
    facts: dict[str, Any]


def export_signers(state: State, people: Sequence[str], auditor: str | None) -> list[str]:
    """Who approves the final export: an auditor, then a different custodian.

    ``auditor`` if named, else one of ``people`` with the auditor duty; the
    custodian is the first of ``people`` who is not that auditor.
    """
    if auditor is None:
        auditor = next(
            (p for p in people if "auditor" in getattr(state.custodians.get(p), "duties", ())),
            None,
        )
    if auditor is None:
        raise ApprovalError("retire.no_auditor")
    custodian = next((p for p in people if p != auditor), None)
    if custodian is None:
        raise ApprovalError("procedure.two_people")
    return [auditor, custodian]


def retire_terminal(
    journal: Journal,
    policy: Policy,
    security_keys: SecurityKeys,
    writer: DirectoryWriter,
    people: Sequence[str],
    reason: str,
    sign: Sign,
    render_report: ReportRenderer,
    emit: Emit,
    *,
    auditor: str | None = None,
) -> Retirement:
    """Run (or take up) the retirement; the journal is closed when it returns.

    On an exception before the destruction the journal is left open for the
    caller to close, and the terminal is as the module's order says.
    """
    retired = find_retirement(journal)
    created = final_export_after(journal, retired) if retired is not None else None
    result: ExportResult | None = None
    if retired is None or created is None:
        signers = export_signers(journal.state, people, auditor)
        approval = sign(
            start_export_approval(journal, policy, security_keys, writer.label), signers
        )
        if retired is None:
            try:
                retired = sign(start_retirement(journal, policy, security_keys, reason), people)
            except BaseException:
                close_open_exports(journal)  # the approval will not be used
                raise
        result = export_bundle(journal, writer, approval, render_report, policy=policy)
        if result.entries < retired.seq:  # pragma: no cover - the export holds the whole journal
            raise JournalError("terminal.no_final_export", seq=retired.seq)
    facts = retirement_facts(journal, retired)
    certificate = RetirementCertificate.from_facts(facts, journal.clock.now(), policy.timezone)
    emit(certificate)
    destroy_key_material(journal, retired)
    return Retirement(retired, result, certificate, facts)


__all__ = ["Retirement", "export_signers", "retire_terminal"]
