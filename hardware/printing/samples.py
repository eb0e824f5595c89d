"""One PDF of every document, filled with realistic sample data (``sealroom render-samples DIR``).

Why: security staff check layouts on their own printer before the first real
use (margins, barcode and QR scan distance, the password font). Samples are
watermarked "SAMPLE — NOT REAL" (``DocumentMeta.sample``), and the sample
password and passphrase are freshly generated, never a fixed string, so no
sample can become a known credential.

Invariant: :func:`render_samples` writes exactly one file per document type,
named ``<slug>.pdf``, and returns their paths in :data:`kiosk.paper.documents.ALL_DOCUMENTS` order.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import secrets
from pathlib import Path

from hardware.printing.render import render
from kiosk.paper.documents import (
    AlertSlip,
    ApproverAttempt,
    AuditDeadline,
    AuditFinding,
    AuditIncident,
    AuditReport,
    CommissioningSheet,
    CredentialSheet,
    Document,
    DocumentMeta,
    EnvelopeLabel,
    IdentitySheet,
    InventoryAccount,
    InventoryCredential,
    InventoryEnvelope,
    InventoryReport,
    InvocationRecord,
    JournalHead,
    Person,
    SessionAction,
    SessionRecord,
    Signer,
)
from kiosk.paper.passwords import SecretText, generate_password
from kiosk.policy import Policy, load_policy

UTC = dt.UTC


def _h(label: str) -> str:
    return hashlib.sha256(label.encode()).hexdigest()


def sample_documents(policy: Policy | None = None) -> list[Document]:
    """The sample models (tests render and decode these too)."""
    pol = policy or load_policy()
    t0 = dt.datetime(2026, 3, 16, 14, 32, tzinfo=UTC)
    head = JournalHead(1234, _h("head-1234"))
    meta = DocumentMeta(pol.kiosk_id, head, t0 + dt.timedelta(hours=3), pol.timezone, sample=True)
    dana = Person("Dana Whitfield", "IT Director")
    sam = Person("Sam Okafor", "Chief Operating Officer")
    priya = Person("Priya Raman", "Security Lead")
    lee = Person("Lee Brennan", "Senior SysAdmin")
    account = "emergency-admin-01@contoso.onmicrosoft.com"
    system = "Microsoft Entra ID"
    serial = "SR00012347"
    sheet_ref = "CS-2026-0042"
    qr = f"SR1:sheet:{sheet_ref}:env:{serial}:seq:1235:mac:Qm9ndXNTYW1wbGVNQUM"
    # The account as the terminal knows it: its inventory id, and the username
    # that only the sealed sheet carries (never the label outside the bag).
    account_id = "entra-bg-01"
    cred = CredentialSheet(
        meta=meta,
        account=account_id,
        system=system,
        access_url="https://login.microsoftonline.com",
        username=account,
        password=generate_password(pol),
        envelope_serial=serial,
        qr_payload=qr,
        issued_at=t0 + dt.timedelta(hours=3),
        issued_by=(priya, lee),
        sheet_ref=sheet_ref,
        token_in_envelope=pol.token_in_envelope,
        recovery_codes=("7HQK-4M9C", "XW3P-FN6T", "R4JD-K9VA", "C6YM-3TQE"),
        token_serials=("YK5-23981144",),
    )
    label = EnvelopeLabel(
        meta=meta,
        envelope_serial=serial,
        account_id=account_id,
        system=system,
        storage_location="Safe A, shelf 2",
        sealed_at=t0 + dt.timedelta(hours=3, minutes=10),
        sealed_by=(priya, lee),
        sheet_ref=sheet_ref,
        qr_payload=f"SR1:env:{serial}:mac:RW52ZWxvcGVTYW1wbGU",
    )
    inv = InvocationRecord(
        meta=meta,
        invocation_ref="INV-2026-007",
        declared_at=t0,
        declared_by=dana,
        second_person=priya,
        witness=lee,
        system=system,
        system_purpose="identity provider for all staff sign-in",
        reason=(
            "Federation with the on-premises AD FS farm failed after a certificate expired; no "
            "administrator can sign in to renew it. Staff sign-in is down company-wide."
        ),
        evidence="INC-48213: screenshots of AADSTS50008 errors, AD FS event log export 14:05–14:25",
        approver=sam,
        approved_at=t0 - dt.timedelta(minutes=6),
        approval_method="Phone, confirmed by e-mail at 14:29",
        conditions="Renew the token-signing certificate only; no other changes.",
        entry_seq=1231,
        entry_hash=_h("entry-1231"),
        approver_attempts=(
            ApproverAttempt(t0 - dt.timedelta(minutes=14), "Phone ext. 4101", "No answer"),
            ApproverAttempt(
                t0 - dt.timedelta(minutes=6), "Phone ext. 4102", "Approved by S. Okafor"
            ),
        ),
    )
    start = t0 + dt.timedelta(minutes=35)
    sess = SessionRecord(
        meta=meta,
        invocation_ref="INV-2026-007",
        account=account,
        system=system,
        envelope_serial="SR00012339",
        retrieval_evidence="Envelope SR00012339 inspected intact (entry 1232), opened (entry 1233)",
        access_established=start,
        actions=(
            SessionAction(
                start + dt.timedelta(minutes=5), "Exported AD FS configuration as baseline"
            ),
            SessionAction(
                start + dt.timedelta(minutes=9), "Renewed token-signing certificate; outcome: OK"
            ),
            SessionAction(
                start + dt.timedelta(minutes=12), "Verified staff sign-in for jsmith@contoso.com"
            ),
            SessionAction(start + dt.timedelta(minutes=14), "Signed out of all sessions"),
        ),
        terminated=start + dt.timedelta(minutes=15),
        baseline="adfs-config-2026-03-16T1512Z.xml (SHA-256 9c1e…)",
        post_change="adfs-config-2026-03-16T1527Z.xml (SHA-256 4b0d…), token-signing cert renewed",
        signers=(
            Signer(
                dana.name, dana.role, "pQ3vYk2mX8aLr5TnBw7cHs", start + dt.timedelta(minutes=40)
            ),
            Signer(
                priya.name, priya.role, "Zf9Kq2LmVt8RxNw4JcYb1A", start + dt.timedelta(minutes=41)
            ),
        ),
        entry_seq=1240,
        entry_hash=_h("entry-1240"),
        witness=lee,
    )
    raw_key = hashlib.sha256(b"sample-kiosk-key").digest()
    blob = b"\x00\x00\x00\x0bssh-ed25519\x00\x00\x00 " + raw_key
    public_key = f"ssh-ed25519 {base64.b64encode(blob).decode()} {pol.kiosk_id}"
    # As ssh-keygen -l prints it: SHA-256 of the key blob.
    fp = "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")
    # Same shape as kiosk.journal.keyslots.generate_passphrase: 8 groups of 4.
    groups = ["".join(secrets.choice(_PASSPHRASE_ALPHABET) for _ in range(4)) for _ in range(8)]
    comm = CommissioningSheet(
        meta=DocumentMeta(
            pol.kiosk_id, JournalHead(3, _h("head-3")), t0, pol.timezone, sample=True
        ),
        kiosk_id=pol.kiosk_id,
        key_fingerprint=fp,
        public_key=public_key,
        genesis_hash=_h("genesis"),
        policy_hash=pol.sha256,
        recovery_passphrase=SecretText("-".join(groups)),
        commissioned_at=t0 - dt.timedelta(days=90),
        custodians=(dana, priya),
    )
    identity = IdentitySheet(
        meta=comm.meta,
        kiosk_id=comm.kiosk_id,
        key_fingerprint=comm.key_fingerprint,
        public_key=comm.public_key,
        genesis_hash=comm.genesis_hash,
        commissioned_at=comm.commissioned_at,
    )
    d0 = dt.date(2026, 1, 12)
    invent = InventoryReport(
        meta=meta,
        accounts=(
            InventoryAccount(
                account,
                system,
                "Safe A, Envelope SR00012347",
                ("IT Director", "COO", "Security Lead"),
                d0,
                "rotation due",
            ),
            InventoryAccount(
                "emergency-admin-02@contoso.onmicrosoft.com",
                system,
                "Safe A, Envelope SR00012354",
                ("IT Director", "COO", "Security Lead"),
                d0,
            ),
            InventoryAccount(
                "local-admin-breakglass",
                "Domain Controller",
                "Safe A, Envelope SR00012362",
                ("IT Director", "Senior SysAdmin"),
                d0 + dt.timedelta(days=5),
            ),
            InventoryAccount(
                "root@fw-edge-01",
                "Edge firewall",
                "Safe B, Envelope SR00012370",
                ("Network Lead", "Security Lead"),
                None,
                "never tested",
            ),
        ),
        envelopes=(
            InventoryEnvelope("SR00012339", account, "opened", start),
            InventoryEnvelope("SR00012347", account, "sealed in safe", t0 + dt.timedelta(hours=3)),
            InventoryEnvelope(
                "SR00012354",
                "emergency-admin-02@contoso.onmicrosoft.com",
                "sealed in safe",
                t0 - dt.timedelta(days=63),
            ),
            InventoryEnvelope(
                "SR00012362", "local-admin-breakglass", "sealed in safe", t0 - dt.timedelta(days=58)
            ),
            InventoryEnvelope(
                "SR00012370", "root@fw-edge-01", "sealed in safe", t0 - dt.timedelta(days=20)
            ),
            InventoryEnvelope("SR00012388", "", "blank stock", t0 - dt.timedelta(days=90)),
        ),
        drill_due=d0 + dt.timedelta(days=92),
        credentials=(
            InventoryCredential(
                account, ("SR00012347", "SR00012396"), (), None, d0, None, d0 - dt.timedelta(70)
            ),
            InventoryCredential(
                "emergency-admin-02@contoso.onmicrosoft.com",
                ("SR00012354",),
                ("SR00012404",),
                d0 + dt.timedelta(days=7),
                d0 - dt.timedelta(days=63),
                d0 - dt.timedelta(days=61),
                d0 - dt.timedelta(days=20),
            ),
            InventoryCredential(
                "local-admin-breakglass",
                ("SR00012362", "SR00012412"),
                (),
                None,
                d0 - dt.timedelta(days=58),
                d0 - dt.timedelta(days=55),
                d0 + dt.timedelta(days=5),
                "removed when revoked: Sam Okafor (2026-01-02)",
            ),
        ),
    )
    alert = AlertSlip(
        meta=meta,
        what="Unknown USB device refused",
        details=(
            "A USB mass-storage device (vendor 0x0781, product 0x5583) was plugged into "
            "port 1-2 and refused: it is not on the policy allow-list."
        ),
        occurred_at=t0 + dt.timedelta(hours=2, minutes=47),
        entry_seq=1234,
        entry_hash=head.hash,
        actions=(
            "Unplug the device and keep it; do not plug it in again.",
            "Ask who brought it into the safe room, and note their name on this slip.",
            "Call security on ext. 4199 and hand them this slip.",
        ),
    )
    audit = AuditReport(
        meta=meta,
        bundle=f"sealroom-export-{pol.kiosk_id}-20260316T173200Z",
        key_fingerprint=comm.key_fingerprint,
        genesis_hash=_h("genesis"),
        entries=head.seq,
        created_at=t0 + dt.timedelta(hours=3),
        custodians=(
            ("dana", "Dana Whitfield (IT Director)", "active"),
            ("priya", "Priya Raman (Security Lead)", "active"),
            ("avery", "Avery Stone (Internal audit)", "active, auditor"),
        ),
        accounts=invent.accounts,
        envelopes=invent.envelopes,
        incidents=(
            AuditIncident(
                "INC-2026-0316",
                False,
                (
                    ("Invocation declared", "2026-03-16 14:32 UTC · entry 1201"),
                    ("Envelope opened", "2026-03-16 14:51 UTC · entry 1207"),
                    ("Session ended", "2026-03-16 15:18 UTC · entry 1214"),
                    ("Session record signed", "2026-03-16 16:02 UTC · entry 1216"),
                ),
                (
                    AuditDeadline("Session documentation (2 h)", "met", "due 17:18 UTC"),
                    AuditDeadline("Post-incident review (5 business days)", "open", "due 03-23"),
                ),
            ),
        ),
        findings=(
            AuditFinding("review", "account emergency-admin-01: rotation not done after opening"),
            AuditFinding("note", "2 entries of kind 'drill.note', unknown to this verifier"),
        ),
    )
    return [cred, label, inv, sess, comm, identity, invent, alert, audit]


_PASSPHRASE_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY3479"  # noqa: S105 - an alphabet, not a secret


def render_samples(out_dir: Path) -> list[Path]:
    """Write ``<slug>.pdf`` for every document into ``out_dir`` (created if needed)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    docs = sample_documents()
    try:
        for doc in docs:
            path = out_dir / f"{doc.slug}.pdf"
            path.write_bytes(render(doc))
            paths.append(path)
    finally:
        for doc in docs:
            if isinstance(doc, CredentialSheet):
                doc.password.wipe()
            elif isinstance(doc, CommissioningSheet):
                doc.recovery_passphrase.wipe()
    return paths
