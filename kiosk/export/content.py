"""What goes into an export bundle besides the journal: manifest, CSV, README, report model.

Invariants:

* ``manifest.json`` is ``canon`` of exactly the object of spec section 6;
* ``events.csv`` has one row per journal entry, in seq order; cells that a
  spreadsheet would run as a formula (starting ``= + - @``, tab or CR) get a
  leading apostrophe, because the CSV is for spreadsheets while the journal
  (``journal.jsonl``) stays the authoritative, unaltered record;
* the report model is built from the same checks the auditors' verifier
  runs (:func:`kiosk.verify.bundle.audit_journal`), so the report and
  ``sealroom verify`` list the same findings.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from kiosk.format.canonical import H, canon, canon_unchecked
from kiosk.format.clock import format_ts, parse_ts
from kiosk.format.entry import Entry
from kiosk.paper.documents import (
    AuditDeadline,
    AuditFinding,
    AuditIncident,
    AuditReport,
    DocumentMeta,
    InventoryAccount,
    InventoryCredential,
    InventoryEnvelope,
    JournalHead,
)
from kiosk.rules.deadlines import Facts, incident_deadlines
from kiosk.state import STATE_WORDS, State
from kiosk.state.inventory import credential_inventory
from kiosk.verify.bundle import audit_journal
from kiosk.verify.manifest import FORMAT

CSV_COLUMNS = (
    "seq",
    "ts",
    "kind",
    "incident",
    "account",
    "serial",
    "custodians",
    "attestations",
    "hash",
    "data",
)

PHASES = (
    ("invocation.declared", "Invocation declared"),
    ("exception.opened", "Policy exception opened"),
    ("approver.notified", "Approver notified"),
    ("exception.signed_off", "Exception signed off"),
    ("envelope.checked_out", "Envelope checked out"),
    ("envelope.inspected", "Envelope inspected"),
    ("envelope.opened", "Envelope opened"),
    ("envelope.returned", "Envelope returned"),
    ("session.started", "Access established"),
    ("session.ended", "Session ended"),
    ("session.signed", "Session record signed"),
    ("credential.rotated", "Credential reset"),
    ("review.completed", "Post-incident review"),
)


def manifest_bytes(
    *,
    kiosk_id: str,
    kiosk_key: str,
    created_at: str,
    entries: int,
    genesis: str,
    head_hash: str,
    files: dict[str, bytes],
) -> bytes:
    return canon(
        {
            "format": FORMAT,
            "kiosk_id": kiosk_id,
            "kiosk_key": kiosk_key,
            "created_at": created_at,
            "entries": entries,
            "genesis": genesis,
            "head": {"seq": entries, "hash": head_hash},
            "files": {name: H(blob) for name, blob in files.items()},
        }
    )


def _cell(value: Any) -> str:
    text = value if isinstance(value, str) else "" if value is None else str(value)
    if text and text[0] in "=+-@\t\r":
        return "'" + text
    return text


def events_csv(lines: Sequence[bytes], entries: Sequence[Entry] = ()) -> bytes:
    """The CSV of the journal ``lines``.

    ``entries``, when it holds every line already parsed (the export's audit
    pass keeps them), is used instead of parsing each line again; the rows
    are the same either way.
    """
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(CSV_COLUMNS)
    rows: Iterable[tuple[Any, str, str, dict[str, Any], Sequence[Any], str]]
    # Entries that passed check_chain came from canonical lines: no re-check.
    encode: Callable[[Any], bytes] = canon
    if len(entries) == len(lines):
        rows = ((e.seq, e.ts, e.kind, e.data, e.attest, e.hash) for e in entries)
        encode = canon_unchecked
    else:
        parsed = (json.loads(raw) for raw in lines)
        rows = ((e["seq"], e["ts"], e["kind"], e["data"], e["attest"], e["hash"]) for e in parsed)
    for seq, ts, kind, d, attest, digest in rows:
        custodians = ";".join(str(a.get("custodian", "")) for a in attest)
        w.writerow(
            [
                _cell(seq),
                _cell(ts),
                _cell(kind),
                _cell(d.get("incident")),
                _cell(d.get("account")),
                _cell(d.get("serial")),
                _cell(custodians),
                _cell(len(attest)),
                _cell(digest),
                _cell(encode(d).decode("utf-8")),
            ]
        )
    return buf.getvalue().encode("utf-8")


def readme_text(kiosk_id: str, bundle: str, fingerprint: str, entries: int, head: str) -> bytes:
    """How to verify this bundle by hand (spec section 6 plus the chain rules)."""
    return f"""Sealroom audit export — {bundle}

Terminal {kiosk_id}; {entries} journal entries; head {entries}:{head}
Terminal key fingerprint (compare with the commissioning sheet): {fingerprint}

This directory is a sealroom-export/1 bundle (see the project's
export-format.md). The files:

  journal.jsonl      every journal entry, seq 1..{entries}, one canonical JSON line each
  manifest.json      what the bundle holds, with the SHA-256 of each file
  manifest.json.sig  OpenSSH signature (sshsig) of manifest.json by the terminal key
  report.pdf         the human-readable audit report
  events.csv         one row per entry, for spreadsheets (cells a spreadsheet would
                     run as formulas start with an apostrophe; journal.jsonl is exact)
  README.txt         this file

A directory without manifest.json.sig is an unfinished export: do not trust it.

1. Check the signature with the terminal's public key from the commissioning
   sheet (kiosk.pub), NOT the key inside manifest.json:

     echo "{kiosk_id} $(cat kiosk.pub)" > allowed_signers
     ssh-keygen -Y verify -f allowed_signers -I {kiosk_id} -n sealroom-export \\
         -s manifest.json.sig < manifest.json

   Check that the key's fingerprint (ssh-keygen -l -f kiosk.pub) is
   {fingerprint}.

2. Check every file against manifest.json:

     sha256sum journal.jsonl report.pdf events.csv README.txt

   and compare with the "files" object of manifest.json.

3. Check the chain (a few lines of Python; any language will do):

     import hashlib, json
     def canon(o):
         return json.dumps(o, sort_keys=True, separators=(",", ":"),
                           ensure_ascii=False).encode("utf-8")
     prev = "0" * 64
     for n, line in enumerate(open("journal.jsonl", "rb"), start=1):
         raw = line.rstrip(b"\\n"); e = json.loads(raw)
         assert canon(e) == raw and e["seq"] == n and e["prev"] == prev
         body = {{k: e[k] for k in ("seq", "ts", "kind", "data", "prev", "attest")}}
         assert hashlib.sha256(canon(body)).hexdigest() == e["hash"]
         prev = e["hash"]
     print("head", n, prev)

   The head printed must equal manifest.json's "head" and the head on the
   last paper record from the safe (anchor). Timestamps never go backwards.

4. For the attestations (security-key signatures) and the findings
   (exceptions, counters, deadlines, tampered envelopes), run

     sealroom verify --kiosk-key kiosk.pub --anchor SEQ:HASH {bundle}

   or `python -m kiosk.verify` from the Sealroom source: it needs only
   Python 3.11+ and cryptography (with the holidays package, it
   also skips the terminal calendar's public holidays in business days).
""".encode()


def _minute(ts: str) -> str:
    """``2016-02-14 22:34`` from a journal ts (UTC; the report says so once)."""
    return f"{ts[:10]} {ts[11:16]}"


def _when(ts: str, seq: int) -> str:
    return f"{ts[:10]} {ts[11:16]} UTC · entry {seq}"


def _incidents(facts: Facts, now: dt.datetime) -> tuple[AuditIncident, ...]:
    deadlines = incident_deadlines(facts, now)
    out = []
    for inc in facts.incidents.values():
        phases = tuple(
            (label, _when(*inc.first[kind])) for kind, label in PHASES if kind in inc.first
        )
        rows = []
        for st in deadlines.get(inc.id, []):
            due = _minute(format_ts(st.due)) if st.due else "?"
            done = _minute(st.done_ts) if st.done_ts else "not done"
            if st.state == "met":
                detail = f"done {done} · due {due}"
            elif st.state == "missed":
                detail = f"due {due} · {'done ' if st.done_ts else ''}{done}"
            elif st.state == "open":
                detail = f"due {due}"
            else:
                detail = "the journal does not record when it started"
            rows.append(AuditDeadline(st.rule.label, st.state, detail))
        out.append(AuditIncident(inc.id, inc.test, phases or (("—", "—"),), tuple(rows)))
    return tuple(out)


def report_model(
    *,
    lines: Sequence[bytes],
    state: State,
    bundle: str,
    fingerprint: str,
    created_at: str,
    timezone: str = "UTC",
    keep: list[Entry] | None = None,
) -> AuditReport:
    """The audit report of the journal ``lines`` (state = the journal's projection).

    ``keep`` receives the parsed entries of the audit pass (for :func:`events_csv`).
    """
    now = parse_ts(created_at)
    result, facts = audit_journal(lines, now, check_signatures=False, keep=keep)
    findings = tuple(AuditFinding(f.level, f.message) for f in result.findings)
    findings += tuple(AuditFinding("review", "ERROR: " + p.message) for p in result.errors)
    head = JournalHead(result.entries, str((result.head or {}).get("hash")))
    meta = DocumentMeta(state.kiosk_id, head, now, timezone)
    accounts = tuple(
        InventoryAccount(
            a.id,
            a.system,
            a.storage_location,
            tuple(a.authorised),
            parse_ts(a.last_tested).date() if a.last_tested else None,
            "rotation due" if a.rotation_due_since else "ready",
        )
        for a in state.accounts.values()
    )
    envelopes = tuple(
        InventoryEnvelope(
            e.serial,
            e.account or "",
            STATE_WORDS.get(e.state, e.state),
            parse_ts(e.history[-1][1]) if e.history else now,
        )
        for e in state.envelopes.values()
    )
    credentials = tuple(
        InventoryCredential(
            r.account,
            r.live,
            r.superseded,
            r.destroy_by.date() if r.destroy_by else None,
            r.last_rotation.date() if r.last_rotation else None,
            r.last_verification.date() if r.last_verification else None,
            r.last_drill.date() if r.last_drill else None,
            "; ".join(
                (["retired"] if r.retired else [])
                + [f"removed when revoked: {', '.join(r.removed)}"] * bool(r.removed)
            ),
        )
        for r in credential_inventory(state)
    )
    custodians = tuple(
        (
            c.id,
            f"{c.name} ({c.role})",
            ("revoked" if c.revoked else "active") + (", " + "/".join(c.duties)),
        )
        for c in state.custodians.values()
    )
    return AuditReport(
        meta=meta,
        bundle=bundle,
        key_fingerprint=fingerprint,
        genesis_hash=state.genesis_hash,
        entries=result.entries,
        created_at=now,
        custodians=custodians,
        accounts=accounts,
        envelopes=envelopes,
        incidents=_incidents(facts, now),
        findings=findings,
        credentials=credentials,
    )
