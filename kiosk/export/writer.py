"""Writing an audit export bundle (spec sections 1 and 6) onto a removable volume.

Flow: an enrolled auditor and a custodian approve (``export.approved``, a
dual entry made through :mod:`kiosk.terminal.approvals` — see
:func:`start_export_approval`); :func:`export_bundle` then builds every file
in memory, checks free space, writes each file to a temporary name, fsyncs,
renames and fsyncs the directory, writes ``manifest.json.sig`` last, and
records ``export.created`` with the manifest's hash.

Invariants:

* an export needs a committed, unused ``export.approved`` entry signed by a
  custodian with the *auditor* duty and a different custodian with the
  *custodian* duty (moving audit data needs two people);
* nothing that could pass for a complete bundle is left after a failure: the
  signature is written last, and on any failure (medium full, stick pulled,
  cancel) what was written is removed where the medium still allows; a
  directory without ``manifest.json.sig`` is an unfinished export that every
  verifier rejects;
* every attempt is recorded: ``export.created`` or ``export.failed`` (with a
  reason in words, never a raw exception text); a failed attempt does not use
  up the approval, so the next attempt works;
* a crash (power cut, SIGKILL) during an export is recorded: an intent
  (:mod:`kiosk.journal.intents`) is on disk from before the medium is
  touched until ``export.created`` or ``export.failed`` is durable, and the
  next unlock records ``export.failed`` for it (:mod:`kiosk.terminal.repair`);
  an approval left without either outcome is closed the same way, so every
  ``export.approved`` is followed by one;
* the bundle holds the whole journal from seq 1 up to the head at the start
  of the export (the ``export.created`` entry itself is in the next bundle).
"""

from __future__ import annotations

import errno
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.errors import CancelledError, ExportError, SealroomError
from kiosk.export.content import events_csv, manifest_bytes, readme_text, report_model
from kiosk.export.directory import DirectoryWriter
from kiosk.format.canonical import H
from kiosk.format.clock import format_ts
from kiosk.format.entry import Entry
from kiosk.journal.intents import for_journal
from kiosk.journal.store import Journal
from kiosk.paper.documents import AuditReport
from kiosk.policy import Policy
from kiosk.state import State
from kiosk.terminal.approvals import DualApproval, SecurityKeys
from kiosk.terminal.lifecycle import ssh_fingerprint
from kiosk.verify import sshsig
from kiosk.verify.manifest import NAMESPACE

EXPORT_KIND = "export.approved"
EXPORT_ROLES = ("auditor", "custodian")
SLACK_BYTES = 64 * 1024
FILE_ORDER = ("journal.jsonl", "report.pdf", "events.csv", "README.txt", "manifest.json")

ReportRenderer = Callable[[AuditReport], bytes]


@dataclass(frozen=True)
class ExportProgress:
    """``done`` of ``total`` bytes written; ``step`` is the file being written."""

    step: str
    done: int
    total: int


@dataclass(frozen=True)
class ExportResult:
    bundle: str
    path: Path
    manifest_hash: str
    entries: int
    head_hash: str
    bytes_written: int
    entry: Entry  # the export.created entry


def start_export_approval(
    journal: Journal, policy: Policy | None, security_keys: SecurityKeys, volume: str
) -> DualApproval:
    """Reserve the ``export.approved`` entry; the auditor signs, then a custodian."""
    return DualApproval(
        journal, policy, security_keys, EXPORT_KIND, {"volume": volume[:500]}, EXPORT_ROLES
    )


def check_approval(journal: Journal, approval: Entry) -> None:
    """Raise ``export.not_approved`` unless ``approval`` may authorise an export now."""
    if approval.kind != EXPORT_KIND:
        raise ExportError("export.not_approved", reason="that entry is not an export approval")
    stored = journal.entry(approval.seq)
    if stored is None or stored.hash != approval.hash:
        raise ExportError("export.not_approved", reason="the approval is not in the journal")
    for later in journal.entries(approval.seq + 1):
        if later.kind == "export.created" and later.data.get("approved_seq") == approval.seq:
            raise ExportError(
                "export.not_approved", reason="that approval was already used for an export"
            )
    state = journal.state
    people: dict[str, set[str]] = {}
    for a in approval.attest:
        c = state.custodians.get(str(a.get("custodian")))
        cred = state.credentials.get(str(a.get("credential_id")))
        if c is None or c.revoked or cred is None or cred.revoked:
            continue
        people[c.id] = set(c.duties)
    auditors = {p for p, duties in people.items() if "auditor" in duties}
    custodians = {p for p, duties in people.items() if "custodian" in duties}
    if not any(a != c for a in auditors for c in custodians):
        raise ExportError(
            "export.not_approved",
            reason="it needs an enrolled auditor and a different custodian",
        )


def bundle_name(kiosk_id: str, created_at: str) -> str:
    """``sealroom-export-<kiosk_id>-<YYYYMMDDTHHMMSSZ>`` from a journal ts."""
    stamp = created_at[:19].replace("-", "").replace(":", "") + "Z"
    return f"sealroom-export-{kiosk_id}-{stamp}"


_GONE = {errno.ENODEV, errno.ENXIO, errno.EIO, errno.ENOENT, errno.ESTALE, errno.ENOTDIR}
_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


def _medium_error(exc: OSError, needed: int, free: int | None) -> ExportError:
    if exc.errno in _FULL:
        return ExportError("export.medium_full", needed=needed, free=free if free else 0)
    if exc.errno == errno.EROFS:
        return ExportError("export.read_only", path="the stick")
    if exc.errno in _GONE:
        return ExportError("export.medium_gone")
    name = errno.errorcode.get(exc.errno or 0, "unknown error")
    return ExportError("export.write_failed", reason=name)


_REASONS = {
    "export.medium_full": "the USB stick was full",
    "export.medium_gone": "the USB stick went away during the write",
    "export.read_only": "the USB stick is read-only",
    "export.exists": "a bundle of that name was already on the stick",
    "cancelled": "cancelled by the operator",
}


def export_bundle(
    journal: Journal,
    writer: DirectoryWriter,
    approval: Entry,
    render_report: ReportRenderer,
    *,
    progress: Callable[[ExportProgress], None] | None = None,
    cancel: threading.Event | None = None,
    timezone: str | None = None,
    policy: Policy | None = None,
) -> ExportResult:
    """Write one bundle to ``writer``'s volume; see the module invariants.

    ``policy`` (the terminal's) gives the report its time zone, unless
    ``timezone`` is given, and the credential-reset window of each incident
    (``rotation_hours``), which the journal does not record.
    """
    check_approval(journal, approval)
    tz = timezone or (policy.timezone if policy is not None else "UTC")
    rotation_hours = policy.rotation_hours if policy is not None else None
    state = journal.state
    kiosk_id = state.kiosk_id
    created_at = format_ts(journal.clock.now())
    if created_at < state.last_ts:
        created_at = state.last_ts
    name = bundle_name(kiosk_id, created_at)
    volume = writer.label[:500]
    base: dict[str, Any] = {"bundle": name, "volume": volume, "approved_seq": approval.seq}
    entries, head = state.seq, state.head
    intents = for_journal(journal)
    intent = f"export-{approval.seq}"
    intents.write(intent, "export", dict(base))  # a crash from here is recorded at next unlock
    try:
        files = _build(journal, state, name, created_at, render_report, tz, rotation_hours)
    except SealroomError as exc:
        _record_failure(journal, base, exc.code, "the bundle could not be prepared")
        intents.done(intent)
        raise
    total = sum(len(b) for b in files.values())
    written = 0
    free: int | None = None
    created_dir = False
    cancel = cancel or threading.Event()
    try:
        free = writer.free_bytes()
        if free < total + SLACK_BYTES:
            raise ExportError("export.medium_full", needed=total + SLACK_BYTES, free=free)
        try:
            writer.make_bundle_dir(name)
        except FileExistsError:
            raise ExportError("export.exists", bundle=name) from None
        created_dir = True
        for fname in (*FILE_ORDER, "manifest.json.sig"):
            step = fname

            def tick(n: int, step: str = step) -> None:
                nonlocal written
                written += n
                if cancel.is_set():
                    raise CancelledError()
                if progress is not None:
                    progress(ExportProgress(step, written, total))

            if cancel.is_set():
                raise CancelledError()
            writer.write_file(name, fname, files[fname], tick)
    except (OSError, SealroomError) as exc:
        err = exc if isinstance(exc, SealroomError) else _medium_error(exc, total, free)
        if created_dir:
            writer.remove_bundle(name)
        _record_failure(journal, base, err.code, None)
        intents.done(intent)
        raise err from None
    manifest_hash = H(files["manifest.json"])
    entry = journal.append(
        "export.created",
        {
            "bundle": name,
            "manifest_hash": manifest_hash,
            "entries": entries,
            "volume": volume,
            "approved_seq": approval.seq,
        },
    )
    intents.done(intent)
    return ExportResult(name, writer.root / name, manifest_hash, entries, head, written, entry)


def _record_failure(journal: Journal, base: dict[str, Any], code: str, why: str | None) -> None:
    reason = why or _REASONS.get(code, "the USB stick could not be written")
    journal.append("export.failed", {**base, "reason": reason})


def _build(
    journal: Journal,
    state: State,
    name: str,
    created_at: str,
    render_report: ReportRenderer,
    timezone: str,
    rotation_hours: int | None,
) -> dict[str, bytes]:
    """Every file of the bundle, in memory (nothing touches the medium here)."""
    lines = list(journal.lines())
    head = state.head
    entries = len(lines)
    public_line = journal.kiosk_public_line(state.kiosk_id)
    fingerprint = ssh_fingerprint(public_line)
    raw_key = sshsig.parse_public_key(public_line)
    parsed: list[Entry] = []  # the audit pass's entries, reused for events.csv
    report = render_report(
        report_model(
            lines=lines,
            state=state,
            bundle=name,
            fingerprint=fingerprint,
            created_at=created_at,
            timezone=timezone,
            keep=parsed,
            rotation_hours=rotation_hours,
        )
    )
    files = {
        "journal.jsonl": b"".join(line + b"\n" for line in lines),
        "report.pdf": report,
        "events.csv": events_csv(lines, parsed),
        "README.txt": readme_text(state.kiosk_id, name, fingerprint, entries, head),
    }
    manifest = manifest_bytes(
        kiosk_id=state.kiosk_id,
        kiosk_key=public_line,
        created_at=created_at,
        entries=entries,
        genesis=state.genesis_hash,
        head_hash=head,
        files=files,
    )
    files["manifest.json"] = manifest
    files["manifest.json.sig"] = sshsig.sign(
        manifest, NAMESPACE, raw_key, journal.sign_with_kiosk_key
    )
    return files
