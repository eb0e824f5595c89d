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
from collections.abc import Callable, Sequence
from typing import Any

from kiosk.export.plain import Names, approval, details, what
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
from kiosk.state.incidents import Incident
from kiosk.state.inventory import credential_inventory
from kiosk.verify.bundle import audit_journal
from kiosk.verify.manifest import FORMAT

#: events.csv's columns: plain words first, the exact payload last.
CSV_COLUMNS = (
    "seq",
    "time (UTC)",
    "kind",
    "what",
    "incident",
    "account",
    "system",
    "envelope",
    "approved with keys by",
    "details",
    "entry hash",
    "data (JSON, exact)",
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
    """The CSV of the journal ``lines``: one row per entry, in words a reader can follow.

    ``entries``, when it holds every line already parsed (the export's audit
    pass keeps them), is used instead of parsing each line again; the rows
    are the same either way. People are named, accounts carry their system,
    the kind is said in plain words beside its name, and the payload is
    written as ``field: value`` sentences (:mod:`kiosk.export.plain`); the
    exact payload stays in the last column, as canonical JSON.
    """
    if len(entries) != len(lines):
        entries = [Entry.from_json(json.loads(raw)) for raw in lines]
    # Entries that passed check_chain came from canonical lines: no re-check.
    encode: Callable[[Any], bytes] = canon_unchecked
    names = Names.of(entries)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(CSV_COLUMNS)
    for e in entries:
        d = e.data
        w.writerow(
            [
                _cell(e.seq),
                _cell(f"{e.ts[:10]} {e.ts[11:23]}"),
                _cell(e.kind),
                _cell(what(e.kind, d)),
                _cell(d.get("incident")),
                _cell(names.account_of(d)),
                _cell(names.system(d)),
                _cell(d.get("serial") if isinstance(d.get("serial"), str) else None),
                _cell(names.signers(e.attest)),
                _cell(details(e.kind, d, names)),
                _cell(e.hash),
                _cell(encode(d).decode("utf-8")),
            ]
        )
    return buf.getvalue().encode("utf-8")


#: The Python of README.txt's step 4, run as written by tests/kiosk/export/test_readme.py.
CHAIN_CHECK = """\
import hashlib, json
def canon(o):
    return json.dumps(o, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode("utf-8")
manifest = json.load(open("manifest.json", "rb"))
prev, ts, n = "0" * 64, "", 0
for n, line in enumerate(open("journal.jsonl", "rb"), start=1):
    raw = line.rstrip(b"\\n"); e = json.loads(raw)
    assert line.endswith(b"\\n") and canon(e) == raw, f"entry {n}: not canonical"
    assert e["seq"] == n and e["prev"] == prev, f"entry {n}: seq or prev wrong"
    assert e["ts"] >= ts, f"entry {n}: time goes backwards"
    body = {k: e[k] for k in ("seq", "ts", "kind", "data", "prev", "attest")}
    assert hashlib.sha256(canon(body)).hexdigest() == e["hash"], f"entry {n}: hash"
    if n == 1:
        assert e["kind"] == "journal.genesis" and e["hash"] == manifest["genesis"]
        assert e["data"]["kiosk_key"] == manifest["kiosk_key"], "another key"
    prev, ts = e["hash"], e["ts"]
assert manifest["entries"] == n, "manifest.json counts other entries"
assert manifest["head"] == {"seq": n, "hash": prev}, "manifest.json: other head"
print("chain OK: head", n, prev)
"""

#: README.txt's command lines (steps 1-3), in order; ``{kiosk_id}`` filled in.
SHELL_LINES = (
    """python3 -c 'import json; print(json.load(open("manifest.json"))["kiosk_key"])' """
    "> bundle-key.pub",
    "ssh-keygen -l -f bundle-key.pub",
    'echo "{kiosk_id} $(cat bundle-key.pub)" > allowed_signers',
    "ssh-keygen -Y verify -f allowed_signers -I {kiosk_id} -n sealroom-export "
    "-s manifest.json.sig < manifest.json",
    "sha256sum journal.jsonl report.pdf events.csv README.txt",
    """python3 -c 'import json; [print(h + "  " + n) for n, h in """
    """sorted(json.load(open("manifest.json"))["files"].items())]' | sha256sum -c""",
)


def _indented(text: str, pad: str = "     ") -> str:
    return "\n".join(pad + line if line else "" for line in text.splitlines())


def readme_text(kiosk_id: str, bundle: str, fingerprint: str, entries: int, head: str) -> bytes:
    """How to verify this bundle by hand, with nothing but what the auditor has.

    Why so complete: an auditor may have only this directory, OpenSSH,
    ``sha256sum``, Python 3 and the terminal identity sheet (the key's
    fingerprint) — not the project's documents nor ``kiosk.pub``. Every
    command is written out for this bundle (its terminal id filled in), and
    the tests run them, and the chain check, against a real bundle
    (``tests/kiosk/export/test_readme.py``). The key the commands use is the
    one the manifest names; what makes it trusted is comparing its
    fingerprint with the sheet, which the README says first, since this
    file itself came with the bundle and proves nothing.
    """
    sh = [_indented(line.format(kiosk_id=kiosk_id)) for line in SHELL_LINES]
    return f"""Sealroom audit export — {bundle}

Terminal {kiosk_id}; {entries} journal entries (seq 1 to {entries});
head {entries}:{head}

You can check this bundle by hand, in this directory, with OpenSSH's
ssh-keygen, sha256sum and Python 3 — or with `sealroom verify` (step 5).
This README came with the bundle: it says how to check, but nothing it says
is evidence by itself. A directory without manifest.json.sig is an
unfinished export: do not trust it.

The files:

  journal.jsonl      every journal entry, seq 1..{entries}, one canonical JSON line each
  manifest.json      what the bundle holds: terminal, key, entries, head, SHA-256 of each file
  manifest.json.sig  OpenSSH signature (sshsig) of manifest.json by the terminal's key
  report.pdf         the audit report, for people: incidents, deadlines, findings
  events.csv         one row per entry in plain words, for spreadsheets (cells a
                     spreadsheet would run as formulas start with an apostrophe;
                     journal.jsonl is the exact record)
  README.txt         this file

0. Where the trusted key comes from

   The terminal's key fingerprint (SHA256: and 43 characters) is printed on
   the terminal identity sheet kept in the auditors' file (and on the
   commissioning sheet in the safe). That sheet, not this bundle, is what
   makes the key trusted. This bundle's key has the fingerprint
     {fingerprint}
   but compare the sheet with what ssh-keygen prints, never with this line.
   If you hold the terminal's kiosk.pub from commissioning, you may use it
   in place of bundle-key.pub below.

1. Take the key manifest.json names, and compare its fingerprint with the sheet:

{sh[0]}
{sh[1]}

   The SHA256:... it prints must be the one on the identity sheet. If it is
   not, stop: this bundle was not signed by that terminal.

2. Check the signature of manifest.json with that key:

{sh[2]}
{sh[3]}

   It must print: Good "sealroom-export" signature for {kiosk_id} with
   ED25519 key SHA256:... (the same fingerprint as in step 1).

3. Check every file against the SHA-256 that manifest.json (signed) lists:

{sh[4]}

   and compare each with the "files" object of manifest.json; or compare
   them mechanically (every line must end in OK):

{sh[5]}

4. Check the hash chain: save these lines as chain.py in this directory and
   run `python3 chain.py` (any language will do: this is all the rule is):

{_indented(CHAIN_CHECK)}

   It must print "chain OK" and the head {entries}:{head}.
   Compare that head with the head on the last paper record from the safe
   (an anchor): the journal must pass through every head printed earlier,
   or it was rolled back or rewritten. Each entry's "hash" covers its
   attestations, and the next entry's "prev" is that hash.

5. The attestations (security-key signatures) and the findings. Each
   element of an entry's "attest" is a WebAuthn assertion by a custodian's
   security key over the entry's digest, SHA-256 of canon({{seq, ts, kind,
   data, prev}}): client_data_json (base64url) holds type "webauthn.get"
   and challenge = base64url(digest); authenticator_data starts with
   SHA-256(rp_id) and has User Present set (and User Verified where
   uv_required); signature verifies with the public_key of the earlier
   custodian.enrolled entry for that custodian and credential_id (not
   revoked since) over authenticator_data || SHA-256(client_data_json);
   the counter (bytes 33-36) goes up. Dual entries need two different
   custodians with two different keys, unless an exception declared with
   the incident covers them. The Sealroom verifier checks all of this and
   lists deadlines, exceptions and tampered envelopes (run it from the
   directory that holds this bundle):

     sealroom verify --kiosk-key kiosk.pub --anchor SEQ:HASH {bundle}

   or, having compared the fingerprint in step 1 yourself,

     sealroom verify --trust-bundle-key --anchor SEQ:HASH {bundle}

   (without either it says NOT AUTHENTICATED). `python -m kiosk.verify`
   from the Sealroom source does the same with only Python 3.11+ and the
   cryptography package.
""".encode()


def _minute(ts: str) -> str:
    """``2016-02-14 22:34`` from a journal ts (UTC; the report says so once)."""
    return f"{ts[:10]} {ts[11:16]}"


def _when(ts: str, seq: int) -> str:
    return f"{ts[:10]} {ts[11:16]} UTC · entry {seq}"


def _incidents(
    facts: Facts, now: dt.datetime, state: State, names: Names, rotation_hours: int | None
) -> tuple[AuditIncident, ...]:
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
        known = state.incidents.get(inc.id)
        if known is not None:
            rotation = _rotation(known, now, rotation_hours)
            if rotation is not None:
                rows.append(rotation)
        out.append(
            AuditIncident(
                inc.id,
                inc.test,
                phases or (("—", "—"),),
                tuple(rows),
                incident_details(known, names) if known is not None else (),
            )
        )
    return tuple(out)


def _rotation(inc: Incident, now: dt.datetime, hours: int | None) -> AuditDeadline | None:
    """The credential reset after an opening, in the terminal policy's window.

    The spec fixes no window for it (the verifier reports a reset still
    outstanding at export); the terminal's policy does (``rotation_hours``,
    24 by default), and its dashboard and alerts count it, so the report
    shows it with that window. Without the policy, the window is not known
    here and the row says so.
    """
    if inc.opened_at is None:
        return None
    done = _minute(format_ts(inc.rotated_at)) if inc.rotated_at else "not done"
    if hours is None:
        label = "credential reset after the envelope was opened (window: the terminal's policy)"
        state = "met" if inc.rotated_at else "open"
        return AuditDeadline(label, state, f"done {done}" if inc.rotated_at else "not done yet")
    label = (
        f"credential reset within {hours} hours of opening the envelope "
        "(the terminal's policy; the spec fixes no window)"
    )
    due_at = inc.opened_at + dt.timedelta(hours=hours)
    due = _minute(format_ts(due_at))
    if inc.rotated_at is not None:
        state = "met" if inc.rotated_at <= due_at else "missed"
        return AuditDeadline(label, state, f"done {done} · due {due}")
    return AuditDeadline(label, "missed" if now > due_at else "open", f"due {due} · not done")


def incident_details(inc: Incident, names: Names) -> tuple[tuple[str, str], ...]:
    """Who, what and why of an incident, in words, from its invocation record and entries."""
    record = inc.record
    rows: list[tuple[str, str]] = []

    def add(label: str, value: object) -> None:
        text = " ".join(str(value).split()) if value else ""
        if text:
            rows.append((label, text[:3900]))

    if inc.account:
        add("Account", names.account(inc.account))
    add("Declared by", names.someone(record.get("declared_by")) if record else "")
    second = record.get("second_person")
    if second is None and inc.solo:
        add("Second person", "none: solo access (policy exception)")
    elif record:
        add("Second person", names.someone(second))
    witness = record.get("witness")
    if isinstance(witness, dict):
        present = (
            ""
            if inc.witness_present is None
            else " (present)"
            if inc.witness_present
            else " (not present)"
        )
        add("Witness", names.someone(witness) + present)
    approver = record.get("approver")
    if isinstance(approver, dict):
        add("Approver", approval(approver))
    elif inc.approver_attempts:
        tried = ", ".join(channel for _at, channel, _outcome in inc.approver_attempts)
        notified = (
            f"; notified afterwards {_minute(format_ts(inc.approver_notified_at))} UTC"
            if inc.approver_notified_at
            else "; not notified afterwards"
        )
        add(
            "Approver",
            f"not reached after {len(inc.approver_attempts)} attempts ({tried}): "
            f"emergency exception{notified}",
        )
    add("Reason", record.get("reason"))
    add("Evidence", record.get("evidence"))
    envelopes = []
    for serial in inc.envelopes_checked_out:
        if serial in inc.tampered:
            envelopes.append(f"{serial} tampered (not opened)")
        elif serial == inc.envelope_opened:
            envelopes.append(f"{serial} opened")
        else:
            envelopes.append(f"{serial} returned unopened")
    add("Envelopes", ", ".join(envelopes))
    if inc.exceptions:
        add("Exceptions", ", ".join(sorted(inc.exceptions)))
    if inc.session_started_at is not None:
        add(
            "Session",
            f"{inc.actions} action(s) recorded, {inc.actions_outside_reason} outside the "
            "stated reason",
        )
    return tuple(rows)


def report_model(
    *,
    lines: Sequence[bytes],
    state: State,
    bundle: str,
    fingerprint: str,
    created_at: str,
    timezone: str = "UTC",
    keep: list[Entry] | None = None,
    rotation_hours: int | None = None,
) -> AuditReport:
    """The audit report of the journal ``lines`` (state = the journal's projection).

    ``keep`` receives the parsed entries of the audit pass (for :func:`events_csv`).
    """
    now = parse_ts(created_at)
    kept: list[Entry] = [] if keep is None else keep
    result, facts = audit_journal(lines, now, check_signatures=False, keep=kept)
    names = Names.of(kept)
    findings = tuple(AuditFinding(f.level, f.message) for f in result.findings)
    findings += tuple(AuditFinding("review", "ERROR: " + p.message) for p in result.errors)
    head = JournalHead(result.entries, str((result.head or {}).get("hash")))
    meta = DocumentMeta(state.kiosk_id, head, now, timezone)
    accounts = tuple(
        InventoryAccount(
            a.id,
            a.system,
            a.storage_location,
            tuple(names.person(p) for p in a.authorised),
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
        incidents=_incidents(facts, now, state, names, rotation_hours),
        findings=findings,
        credentials=credentials,
    )
