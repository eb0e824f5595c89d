"""What each printed document says, independent of how it is drawn.

The core builds these plain dataclasses from journal facts; ``hardware.printing.render``
turns them into PDF. Keeping content here (no reportlab import) means the
workflows and tests can reason about *what* is printed without a renderer,
and a renderer cannot invent a field the journal does not hold.

Invariants:

* Every document carries a :class:`DocumentMeta`: terminal id, the journal
  head ``(seq, hash)`` at print time, the time printed and the display time
  zone. The renderer prints the head, the terminal id, the title and
  "Page N of M" on every page, so paper in the safe anchors the journal
  against truncation or rollback.
* Required text fields are non-empty, single-line where they are labels, and
  free of control characters; hashes are 64 lower-case hex digits. A model
  that breaks a rule raises ``document.invalid`` naming the field, before
  anything is rendered.
* Secrets (the password, the recovery passphrase) are held only as
  :class:`~kiosk.paper.passwords.SecretText`; ``repr`` of any model never shows
  them. The credential sheet's QR payload is given already encoded (by the
  scan helper's ``encode_qr``) and is refused if it contains the password.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field, fields
from typing import ClassVar

from kiosk.errors import SealroomError
from kiosk.paper.base import HEAD_PREFIX as HEAD_PREFIX
from kiosk.paper.base import Document as Document
from kiosk.paper.base import DocumentMeta as DocumentMeta
from kiosk.paper.base import JournalHead as JournalHead
from kiosk.paper.base import Person as Person
from kiosk.paper.base import check_aware as _aware
from kiosk.paper.base import check_hash as _hash
from kiosk.paper.base import check_text as _text
from kiosk.paper.base import invalid as _invalid
from kiosk.paper.passwords import SecretText


@dataclass(frozen=True)
class CredentialSheet(Document):
    """The sheet sealed in an envelope: everything needed to log in, once.

    What is secret (printed only inside the sheet's secret panel, which no
    fold crosses): the ``username`` of the privileged account, the
    ``password`` and the ``recovery_codes``. The account id, system, access
    URL and the security key's serial are not: they name the account, not
    the way in.
    """

    title: ClassVar[str] = "Break-glass credential sheet"
    slug: ClassVar[str] = "credential-sheet"

    meta: DocumentMeta
    #: the account's id in the terminal's inventory (``entra-bg-01``), not its username
    account: str
    system: str
    access_url: str
    username: str
    password: SecretText = field(repr=False)
    envelope_serial: str
    qr_payload: str
    issued_at: dt.datetime
    issued_by: tuple[Person, ...]
    sheet_ref: str
    #: the policy's ``[envelopes] token_in_envelope``: whether the account's
    #: security key is sealed in with the sheet (its contents line and steps follow it)
    token_in_envelope: bool
    recovery_codes: tuple[str, ...] = ()
    #: serials of the account's FIDO2 security keys (``YK5-23981144``), without
    #: where they are kept: the sheet says that, from ``token_in_envelope``
    token_serials: tuple[str, ...] = ()
    notes: str = ""

    def _check(self) -> None:
        d = self.title
        for name in ("account", "system", "access_url", "username", "envelope_serial", "sheet_ref"):
            _text(d, name, getattr(self, name))
        _text(d, "qr_payload", self.qr_payload)
        _text(d, "notes", self.notes, required=False, multiline=True)
        if not self.envelope_serial.isascii():
            raise _invalid(d, "envelope_serial", "must be ASCII for a Code 128 barcode")
        _aware(d, "issued_at", self.issued_at)
        if not self.issued_by:
            raise _invalid(d, "issued_by", "names nobody")
        if not isinstance(self.password, SecretText) or self.password.wiped:
            raise _invalid(d, "password", "is missing or already wiped")
        if len(self.qr_payload) > 1000:
            raise _invalid(d, "qr_payload", "is too long for a printable QR code")
        secret = self.password.reveal()
        if secret in self.qr_payload or secret in self.notes:
            raise SealroomError("document.secret_in_code", document=d)
        for i, code in enumerate(self.recovery_codes):
            _text(d, f"recovery_codes[{i}]", code)
        if not isinstance(self.token_in_envelope, bool):
            raise _invalid(d, "token_in_envelope", "must be true or false")
        for i, serial in enumerate(self.token_serials):
            _text(d, f"token_serials[{i}]", serial)
            if len(serial) > 64 or "envelope" in serial.lower():
                raise _invalid(d, f"token_serials[{i}]", "must be only the key's serial")


@dataclass(frozen=True)
class EnvelopeLabel(Document):
    """The label stuck on a sealed bag: serial, account id, system; never a secret.

    It names the account by the id the terminal asks for (``entra-bg-01``)
    and has no field for the privileged username: the outside of the bag
    must not tell a passer-by which account to attack.
    """

    title: ClassVar[str] = "Envelope label"
    slug: ClassVar[str] = "envelope-label"

    meta: DocumentMeta
    envelope_serial: str
    #: the account's id in the terminal's inventory, as the terminal asks for it
    account_id: str
    system: str
    storage_location: str
    sealed_at: dt.datetime
    sealed_by: tuple[Person, ...]
    sheet_ref: str
    qr_payload: str = ""

    def _check(self) -> None:
        d = self.title
        for name in ("envelope_serial", "account_id", "system", "storage_location", "sheet_ref"):
            _text(d, name, getattr(self, name))
        _text(d, "qr_payload", self.qr_payload, required=False)
        if not self.envelope_serial.isascii():
            raise _invalid(d, "envelope_serial", "must be ASCII for a Code 128 barcode")
        _aware(d, "sealed_at", self.sealed_at)
        if not self.sealed_by:
            raise _invalid(d, "sealed_by", "names nobody")


@dataclass(frozen=True)
class ApproverAttempt:
    """One documented attempt to reach an approver (15-minute rule)."""

    at: dt.datetime
    channel: str
    outcome: str

    def __post_init__(self) -> None:
        _aware("approver attempt", "at", self.at)
        _text("approver attempt", "channel", self.channel)
        _text("approver attempt", "outcome", self.outcome)


@dataclass(frozen=True)
class InvocationRecord(Document):
    """The procedure's BREAK-GLASS INVOCATION RECORD, field for field."""

    title: ClassVar[str] = "Break-glass invocation record"
    slug: ClassVar[str] = "invocation-record"

    meta: DocumentMeta
    invocation_ref: str
    declared_at: dt.datetime
    declared_by: Person
    second_person: Person
    witness: Person | None
    system: str
    system_purpose: str
    reason: str
    evidence: str
    approver: Person | None
    approved_at: dt.datetime | None
    approval_method: str
    conditions: str
    entry_seq: int
    entry_hash: str
    approver_attempts: tuple[ApproverAttempt, ...] = ()
    emergency_exception: bool = False

    def _check(self) -> None:
        d = self.title
        _text(d, "invocation_ref", self.invocation_ref)
        _aware(d, "declared_at", self.declared_at)
        for name in ("system", "system_purpose", "approval_method"):
            _text(d, name, getattr(self, name))
        _text(d, "reason", self.reason, multiline=True)
        _text(d, "evidence", self.evidence, multiline=True)
        _text(d, "conditions", self.conditions, required=False, multiline=True)
        if self.approver is None and not self.emergency_exception:
            raise _invalid(d, "approver", "is missing and no emergency exception was recorded")
        if self.approver is not None:
            _aware(d, "approved_at", self.approved_at)
        if self.emergency_exception and not self.approver_attempts:
            raise _invalid(d, "approver_attempts", "must list the attempts to reach an approver")
        if self.entry_seq < 1:
            raise _invalid(d, "entry_seq", "must be a positive entry number")
        _hash(d, "entry_hash", self.entry_hash)


@dataclass(frozen=True)
class Signer:
    """A custodian whose security key signed the entry."""

    name: str
    role: str
    credential_id: str
    signed_at: dt.datetime

    def __post_init__(self) -> None:
        _text("signer", "name", self.name)
        _text("signer", "role", self.role)
        _text("signer", "credential_id", self.credential_id)
        _aware("signer", "signed_at", self.signed_at)

    @property
    def credential_prefix(self) -> str:
        return self.credential_id[:16] + ("…" if len(self.credential_id) > 16 else "")


@dataclass(frozen=True)
class SessionAction:
    at: dt.datetime
    text: str

    def __post_init__(self) -> None:
        _aware("session action", "at", self.at)
        _text("session action", "text", self.text, multiline=True)


@dataclass(frozen=True)
class SessionRecord(Document):
    """Phase 4 session record, with a signature block per FIDO2 signer."""

    title: ClassVar[str] = "Break-glass session record"
    slug: ClassVar[str] = "session-record"

    meta: DocumentMeta
    invocation_ref: str
    account: str
    system: str
    envelope_serial: str
    retrieval_evidence: str
    #: None: access was never obtained (the attempt was concluded at ``terminated``)
    access_established: dt.datetime | None
    actions: tuple[SessionAction, ...]
    terminated: dt.datetime
    baseline: str
    signers: tuple[Signer, ...]
    entry_seq: int
    entry_hash: str
    witness: Person | None = None
    #: failed logins and unavailable MFA methods, with cause and resolution
    access_problems: tuple[str, ...] = ()
    #: where the configuration after the session was captured (or "no change made")
    post_change: str = ""
    #: the identity provider's sign-in session ID, for accounts that sign in through one
    provider_session: str = ""

    def _check(self) -> None:
        d = self.title
        for name in ("invocation_ref", "account", "system", "envelope_serial"):
            _text(d, name, getattr(self, name))
        _text(d, "retrieval_evidence", self.retrieval_evidence, multiline=True)
        _text(d, "baseline", self.baseline, required=False, multiline=True)
        _text(d, "post_change", self.post_change, required=False, multiline=True)
        _text(d, "provider_session", self.provider_session, required=False)
        _aware(d, "terminated", self.terminated)
        for problem in self.access_problems:
            _text(d, "access_problems", problem, multiline=True)
        if self.access_established is None:
            if not self.access_problems:
                raise _invalid(d, "access_established", "is missing, and no failed access is given")
        else:
            _aware(d, "access_established", self.access_established)
            if self.terminated < self.access_established:
                raise _invalid(d, "terminated", "is before access was established")
        if len(self.signers) < 1:
            raise _invalid(d, "signers", "names nobody")
        if self.entry_seq < 1:
            raise _invalid(d, "entry_seq", "must be a positive entry number")
        _hash(d, "entry_hash", self.entry_hash)

    @property
    def duration_minutes(self) -> int:
        if self.access_established is None:
            return 0
        return int((self.terminated - self.access_established).total_seconds() // 60)


@dataclass(frozen=True)
class CommissioningSheet(Document):
    """Printed once at commissioning and sealed in the safe: anchors and the recovery passphrase."""

    title: ClassVar[str] = "Terminal commissioning sheet"
    slug: ClassVar[str] = "commissioning-sheet"

    meta: DocumentMeta
    kiosk_id: str
    key_fingerprint: str
    public_key: str
    genesis_hash: str
    policy_hash: str
    recovery_passphrase: SecretText = field(repr=False)
    commissioned_at: dt.datetime
    custodians: tuple[Person, ...]

    def _check(self) -> None:
        d = self.title
        _text(d, "kiosk_id", self.kiosk_id)
        _text(d, "public_key", self.public_key)
        if not re.match(r"^SHA256:[A-Za-z0-9+/]{43}$", self.key_fingerprint):
            raise _invalid(d, "key_fingerprint", "must look like ssh-keygen's SHA256:… form")
        _hash(d, "genesis_hash", self.genesis_hash)
        _hash(d, "policy_hash", self.policy_hash)
        _aware(d, "commissioned_at", self.commissioned_at)
        p = self.recovery_passphrase
        if not isinstance(p, SecretText) or p.wiped:
            raise _invalid(d, "recovery_passphrase", "is missing or already wiped")


def ssh_key_fingerprint(public_line: str) -> str | None:
    """``SHA256:…`` of an OpenSSH key line, as ``ssh-keygen -l`` prints it (None: malformed)."""
    parts = public_line.split()
    try:
        blob = base64.b64decode(parts[1], validate=True) if len(parts) >= 2 else b""
    except ValueError:
        return None
    if not blob:
        return None
    return "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")


@dataclass(frozen=True)
class IdentitySheet(Document):
    """The terminal's public identity, for the auditors' file: nothing on it is secret.

    Why apart from the commissioning sheet: that one holds the recovery
    passphrase and is sealed in the safe, so auditors could not keep or
    consult the key fingerprint they must compare. ``public_key`` is the
    line of ``kiosk.pub`` (its QR code decodes to the file's exact bytes: the
    line and its newline), and the model refuses a fingerprint that is not
    that key's.
    """

    title: ClassVar[str] = "Terminal identity sheet"
    slug: ClassVar[str] = "identity-sheet"

    meta: DocumentMeta
    kiosk_id: str
    key_fingerprint: str
    public_key: str
    genesis_hash: str
    commissioned_at: dt.datetime
    #: printed on request after commissioning, from the terminal's files
    reprint: bool = False

    def _check(self) -> None:
        d = self.title
        _text(d, "kiosk_id", self.kiosk_id)
        _text(d, "public_key", self.public_key)
        if len(self.public_key) > 600:
            raise _invalid(d, "public_key", "is too long for a printable QR code")
        if ssh_key_fingerprint(self.public_key) != self.key_fingerprint:
            raise _invalid(d, "key_fingerprint", "is not the fingerprint of the public key")
        _hash(d, "genesis_hash", self.genesis_hash)
        _aware(d, "commissioned_at", self.commissioned_at)


@dataclass(frozen=True)
class InventoryAccount:
    """One row of the procedure's inventory table."""

    account: str
    system: str
    storage_location: str
    authorised: tuple[str, ...]
    last_tested: dt.date | None
    status: str = "ready"

    def __post_init__(self) -> None:
        for name in ("account", "system", "storage_location", "status"):
            _text("inventory", name, getattr(self, name))


@dataclass(frozen=True)
class InventoryCredential:
    """One account's credential (issue 18): live and superseded copies, when last renewed,
    verified and drilled, and who left its authorised list (``notes``)."""

    account: str
    live: tuple[str, ...]
    superseded: tuple[str, ...]
    destroy_by: dt.date | None
    last_rotation: dt.date | None
    last_verification: dt.date | None
    last_drill: dt.date | None
    notes: str = ""

    def __post_init__(self) -> None:
        _text("inventory", "account", self.account)
        _text("inventory", "notes", self.notes, required=False)


@dataclass(frozen=True)
class InventoryEnvelope:
    serial: str
    account: str
    state: str
    since: dt.datetime

    def __post_init__(self) -> None:
        for name in ("serial", "account", "state"):
            _text("inventory", name, getattr(self, name), required=name != "account")
        _aware("inventory", "since", self.since)


@dataclass(frozen=True)
class InventoryReport(Document):
    """Accounts (procedure's inventory table) and every envelope with its state."""

    title: ClassVar[str] = "Break-glass inventory report"
    slug: ClassVar[str] = "inventory-report"

    meta: DocumentMeta
    accounts: tuple[InventoryAccount, ...]
    envelopes: tuple[InventoryEnvelope, ...]
    drill_due: dt.date | None = None
    credentials: tuple[InventoryCredential, ...] = ()


@dataclass(frozen=True)
class AlertSlip(Document):
    """The offline alert: printed the moment an alert entry is written."""

    title: ClassVar[str] = "Terminal alert"
    slug: ClassVar[str] = "alert-slip"

    meta: DocumentMeta
    what: str
    details: str
    occurred_at: dt.datetime
    entry_seq: int
    entry_hash: str
    actions: tuple[str, ...]
    severity: str = "ALERT"

    def _check(self) -> None:
        d = self.title
        _text(d, "what", self.what)
        _text(d, "details", self.details, required=False, multiline=True)
        _text(d, "severity", self.severity)
        _aware(d, "occurred_at", self.occurred_at)
        if self.entry_seq < 1:
            raise _invalid(d, "entry_seq", "must be a positive entry number")
        _hash(d, "entry_hash", self.entry_hash)
        if not self.actions:
            raise _invalid(d, "actions", "must say what to do")


@dataclass(frozen=True)
class AuditDeadline:
    """One deadline of one incident, as the audit report lists it."""

    label: str
    status: str  # met, missed, open, not judged
    detail: str

    def __post_init__(self) -> None:
        _text("audit report", "deadline", self.label)
        if self.status not in ("met", "missed", "open", "not judged"):
            raise _invalid("audit report", "deadline status", "must be met/missed/open/not judged")
        _text("audit report", "deadline detail", self.detail, required=False)


@dataclass(frozen=True)
class AuditIncident:
    """An incident with its phases (what happened when) and its deadlines."""

    incident: str
    test: bool
    phases: tuple[tuple[str, str], ...]  # (phase, "ts · entry N")
    deadlines: tuple[AuditDeadline, ...]
    #: (what, in words): account and system, custodians, witness, approver, reason, envelopes
    details: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        _text("audit report", "incident", self.incident)
        for phase, when in self.phases:
            _text("audit report", "phase", phase)
            _text("audit report", "phase time", when)
        for label, value in self.details:
            _text("audit report", "incident detail", label)
            _text("audit report", label, value)


@dataclass(frozen=True)
class AuditFinding:
    level: str  # "review" or "note"
    text: str

    def __post_init__(self) -> None:
        _text("audit report", "finding", self.text, multiline=True)


@dataclass(frozen=True)
class AuditReport(Document):
    """The auditor's report inside an export bundle (``report.pdf``).

    Inventory, every incident with its phases and deadlines met or missed,
    the findings a verifier reports, the journal head and the terminal key's
    fingerprint (to compare with the commissioning sheet).
    """

    title: ClassVar[str] = "Audit export report"
    slug: ClassVar[str] = "audit-report"

    meta: DocumentMeta
    bundle: str
    key_fingerprint: str
    genesis_hash: str
    entries: int
    created_at: dt.datetime
    custodians: tuple[tuple[str, str, str], ...]  # (id, name and role, status)
    accounts: tuple[InventoryAccount, ...]
    envelopes: tuple[InventoryEnvelope, ...]
    incidents: tuple[AuditIncident, ...]
    findings: tuple[AuditFinding, ...]
    credentials: tuple[InventoryCredential, ...] = ()

    def _check(self) -> None:
        d = self.title
        _text(d, "bundle", self.bundle)
        if not re.match(r"^SHA256:[A-Za-z0-9+/]{43}$", self.key_fingerprint):
            raise _invalid(d, "key_fingerprint", "must look like ssh-keygen's SHA256:… form")
        _hash(d, "genesis_hash", self.genesis_hash)
        _aware(d, "created_at", self.created_at)
        if self.entries != self.meta.head.seq:
            raise _invalid(d, "entries", "must equal the journal head's seq")


ALL_DOCUMENTS: tuple[type[Document], ...] = (
    CredentialSheet,
    EnvelopeLabel,
    InvocationRecord,
    SessionRecord,
    CommissioningSheet,
    IdentitySheet,
    InventoryReport,
    AlertSlip,
    AuditReport,
)


def document_fields(doc: Document) -> dict[str, object]:
    """Field name -> value of a document (secrets stay as holders)."""
    return {f.name: getattr(doc, f.name) for f in fields(doc)}  # type: ignore[arg-type]
