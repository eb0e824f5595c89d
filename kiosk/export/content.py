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
    InventoryEnvelope,
    JournalHead,
)
from kiosk.rules.deadlines import Facts, incident_deadlines
from kiosk.state import STATE_WORDS, State
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
    rotation_hours: int | None = None,
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
    )
