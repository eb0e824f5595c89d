"""Journal kinds in plain words: the one table that names what an entry records.

Operators and auditors read "the emergency declaration", not the journal's
machine name ``invocation.declared``. The kind names stay the contract of
the journal and the export (auditors search by them, and the screens and
``events.csv`` keep them beside these words); this table only says them
plainly. It lives in the core, below the screens, so the export's
``events.csv`` and ``report.pdf`` say the same words as the screens
(``ui/kind_names.py`` translates them).

Invariants:

* every kind of :data:`kiosk.format.kinds.KINDS` has a phrase here (a test
  compares the two tables, so a new kind cannot be forgotten), and no two
  kinds read the same;
* the phrases are marked for Qt's translation tools with
  :func:`QT_TRANSLATE_NOOP` under the context :data:`CONTEXT`: a no-op of
  the same name as Qt's (``pyside6-lupdate`` extracts literal calls by that
  name), so the core imports no Qt; ``ui/kind_names.py`` translates them
  when asked for, never at import;
* an unknown kind (a journal written by a newer release) is named by its raw
  name, never an error: naming what was recorded must not fail.
"""

from __future__ import annotations

CONTEXT = "KindNames"


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:
    """Mark ``text`` for translation under ``context``; return it unchanged (English)."""
    return text


# journal kind -> what it records, in words an operator would use (English source)
PHRASES: dict[str, str] = {
    "journal.genesis": str(QT_TRANSLATE_NOOP("KindNames", "the creation of the journal")),
    "policy.changed": str(QT_TRANSLATE_NOOP("KindNames", "the policy change")),
    "clock.confirmed": str(QT_TRANSLATE_NOOP("KindNames", "the clock confirmation")),
    "custodian.enrolled": str(
        QT_TRANSLATE_NOOP("KindNames", "the enrolment of a person's security key")
    ),
    "custodian.revoked": str(QT_TRANSLATE_NOOP("KindNames", "the revocation of a person")),
    "account.registered": str(
        QT_TRANSLATE_NOOP("KindNames", "the registration of a break-glass account")
    ),
    "envelope.stock_received": str(
        QT_TRANSLATE_NOOP("KindNames", "the bags received from the supplier")
    ),
    "envelope.registered": str(QT_TRANSLATE_NOOP("KindNames", "the envelope sealed into the safe")),
    "envelope.checked_out": str(QT_TRANSLATE_NOOP("KindNames", "the envelope check-out")),
    "envelope.inspected": str(QT_TRANSLATE_NOOP("KindNames", "the envelope inspection")),
    "envelope.opened": str(QT_TRANSLATE_NOOP("KindNames", "the opening of the envelope")),
    "envelope.returned": str(QT_TRANSLATE_NOOP("KindNames", "the envelope returned to the safe")),
    "envelope.destroyed": str(QT_TRANSLATE_NOOP("KindNames", "the destruction of the envelope")),
    "credential.rotated": str(QT_TRANSLATE_NOOP("KindNames", "the credential reset")),
    "invocation.declared": str(QT_TRANSLATE_NOOP("KindNames", "the emergency declaration")),
    "approver.contacted": str(
        QT_TRANSLATE_NOOP("KindNames", "the attempt to contact the approver")
    ),
    "exception.opened": str(QT_TRANSLATE_NOOP("KindNames", "the exception to the procedure")),
    "exception.signed_off": str(
        QT_TRANSLATE_NOOP("KindNames", "the executive sign-off of the exception")
    ),
    "approver.notified": str(QT_TRANSLATE_NOOP("KindNames", "the notification of the approver")),
    "session.started": str(QT_TRANSLATE_NOOP("KindNames", "the start of the access session")),
    "session.action": str(QT_TRANSLATE_NOOP("KindNames", "the action taken")),
    "session.ended": str(QT_TRANSLATE_NOOP("KindNames", "the end of the access session")),
    "review.completed": str(QT_TRANSLATE_NOOP("KindNames", "the post-incident review")),
    "session.signed": str(
        QT_TRANSLATE_NOOP("KindNames", "the session record signed by both persons")
    ),
    "invocation.acknowledged": str(
        QT_TRANSLATE_NOOP("KindNames", "the acknowledgement of the declaration")
    ),
    "invocation.stood_down": str(
        QT_TRANSLATE_NOOP("KindNames", "the invocation stood down with nothing opened")
    ),
    "sheet.printed": str(QT_TRANSLATE_NOOP("KindNames", "the credential sheet printed")),
    "alert.slip_failed": str(QT_TRANSLATE_NOOP("KindNames", "the alert slip that did not print")),
    "alert.slip_printed": str(QT_TRANSLATE_NOOP("KindNames", "the alert slip printed again")),
    "sheet.print_failed": str(
        QT_TRANSLATE_NOOP("KindNames", "the credential sheet that did not print")
    ),
    "sheet.confirmed": str(QT_TRANSLATE_NOOP("KindNames", "the credential sheet confirmed")),
    "access.problem": str(QT_TRANSLATE_NOOP("KindNames", "the login problem")),
    "documentation.discrepancy": str(
        QT_TRANSLATE_NOOP("KindNames", "the discrepancy with the audit log")
    ),
    "credential.reset_failed": str(QT_TRANSLATE_NOOP("KindNames", "the failed credential reset")),
    "review.escalated": str(QT_TRANSLATE_NOOP("KindNames", "the escalation of the review")),
    "verification.completed": str(
        QT_TRANSLATE_NOOP("KindNames", "the verification after the reset")
    ),
    "export.approved": str(QT_TRANSLATE_NOOP("KindNames", "the approval of the audit export")),
    "export.created": str(QT_TRANSLATE_NOOP("KindNames", "the audit export written")),
    "export.failed": str(QT_TRANSLATE_NOOP("KindNames", "the failed audit export")),
    "alert.raised": str(QT_TRANSLATE_NOOP("KindNames", "the alert")),
    "alert.acknowledged": str(QT_TRANSLATE_NOOP("KindNames", "the acknowledgement of an alert")),
    "terminal.unlocked": str(QT_TRANSLATE_NOOP("KindNames", "the unlocking of the terminal")),
    "verification.failed": str(
        QT_TRANSLATE_NOOP("KindNames", "the failed verification of the reset")
    ),
    "credential.approved": str(
        QT_TRANSLATE_NOOP("KindNames", "the approval of a new password and its sheets")
    ),
    "account.updated": str(QT_TRANSLATE_NOOP("KindNames", "the change of a break-glass account")),
    "account.retired": str(
        QT_TRANSLATE_NOOP("KindNames", "the retirement of a break-glass account")
    ),
    "backup.medium_registered": str(
        QT_TRANSLATE_NOOP("KindNames", "the registration of the backup medium")
    ),
    "backup.written": str(QT_TRANSLATE_NOOP("KindNames", "the sealed backup")),
    "backup.failed": str(QT_TRANSLATE_NOOP("KindNames", "the backup that could not be written")),
    "terminal.moved": str(QT_TRANSLATE_NOOP("KindNames", "the move to new hardware")),
    "terminal.retired": str(QT_TRANSLATE_NOOP("KindNames", "the retirement of the terminal")),
    "terminal.restored": str(
        QT_TRANSLATE_NOOP("KindNames", "the restore of the terminal from a backup")
    ),
}


def kind_words(kind: str) -> str:
    """What an entry of ``kind`` records, in English (its raw name if unknown)."""
    return PHRASES.get(kind, kind)
