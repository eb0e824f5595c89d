"""The auditors' verifier: every check of spec section 7 on one export bundle, in order.

A bundle is given as its files (name -> bytes), so the same code checks a
directory on a USB stick and, in the mutation suite, thousands of bundles
changed in memory. This module only puts the checks in order; each lives
where its subject does: the manifest, its file hashes and its signature in
:mod:`kiosk.verify.manifest`, the journal entries in
:mod:`kiosk.verify.entries` (walked by :func:`kiosk.format.entry.check_chain`,
the function the terminal runs on every unlock), the verdict in
:mod:`kiosk.verify.result`.

Invariants:

* **Errors** are exactly the spec's: bad or missing signature (including an
  unfinished export, i.e. no ``manifest.json.sig``), a file hash that differs,
  a line that is not canonical, a gap or repeat in ``seq``, a ``prev`` or
  ``hash`` that does not match, a ``ts`` that goes backwards, an invalid
  attestation, a dual entry without two distinct valid custodians and without
  an exception, a manifest head or count that differs from the journal, and
  an ``--anchor`` that does not match. Anything else (unknown kinds and
  ``data`` fields, a malformed payload of a kind the spec does not
  constrain) is at most a finding: the verifier judges the contract, not one
  terminal's habits.
* The first bad entry is named (seq and line) with what is wrong, and the
  journal is checked no further.
* Findings never make a bundle fail; errors always do.
* Nothing is kept between calls: verifying a bundle twice, or two bundles,
  does the same work each time, in this process.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from kiosk.format.clock import parse_ts
from kiosk.format.entry import ChainResult, Entry, check_chain, iter_jsonl
from kiosk.rules.deadlines import Facts
from kiosk.verify import sshsig
from kiosk.verify.entries import EntryChecker
from kiosk.verify.manifest import (
    JOURNAL,
    check_describes,
    check_files,
    check_signature,
    read_manifest,
)
from kiosk.verify.result import VerifyResult


def verify_files(
    files: Mapping[str, bytes],
    *,
    name: str = "bundle",
    trusted_keys: Sequence[str] = (),
    anchors: Sequence[tuple[int, str]] = (),
) -> VerifyResult:
    """Verify a bundle given as ``{file name: bytes}``.

    ``trusted_keys`` are OpenSSH public key lines (the commissioning sheet's);
    empty means "use the journal's own key" (reported as a note).
    ``anchors`` are ``(seq, hash)`` pairs from paper or an earlier bundle.
    """
    r = VerifyResult(bundle=name)
    manifest = read_manifest(files, r)
    if manifest is not None:
        r.kiosk_id = manifest["kiosk_id"]
        r.created_at = manifest["created_at"]
        check_files(files, manifest, r)

    # The journal: chain, attestations, dual control, findings.
    checker = EntryChecker(r, anchors)
    chain: ChainResult | None = None
    if JOURNAL not in files:
        r.error("file_hash", "journal.jsonl is missing", file=JOURNAL)
    else:
        try:
            lines = list(iter_jsonl(files[JOURNAL]))
        except ValueError as exc:
            r.error("canonical", f"journal.jsonl: {exc}", file=JOURNAL)
        else:
            chain = _walk(lines, checker, checker)
            if chain.problem is None and chain.entries == 0:
                r.error("entry", "journal.jsonl holds no entries", file=JOURNAL)
            for seq, _h in anchors:
                if seq > chain.entries and chain.problem is None:
                    r.error(
                        "anchor",
                        f"the anchor names entry {seq}, but the journal ends at entry "
                        f"{chain.entries} (truncated or rolled back)",
                        seq=seq,
                    )

    # The signature, with the trusted key (or the journal's own).
    genesis_key: bytes | None = None
    if checker.genesis is not None:
        genesis_key = sshsig.parse_public_key(checker.genesis["kiosk_key"])
    check_signature(files, r, trusted_keys, genesis_key, manifest)

    # The manifest must describe this journal.
    if manifest is not None and chain is not None and chain.problem is None and chain.entries:
        check_describes(
            manifest,
            r,
            chain.entries,
            chain.head_hash,
            checker.first_hash,
            checker.genesis,
            genesis_key,
        )

    checker.finish(_now(r.created_at))
    return r


def _walk(
    lines: Sequence[bytes], checker: EntryChecker, on_entry: Callable[[Entry], str | None]
) -> ChainResult:
    """The chain walk with ``on_entry`` on each entry; its first problem is the error."""
    r = checker.result
    chain = check_chain(lines, on_entry)
    if chain.problem is not None:
        p = chain.problem
        r.error("entry", f"entry {p.seq} (line {p.line}) {p.reason}", seq=p.seq, file=JOURNAL)
    r.entries = chain.entries
    r.head = {"seq": chain.entries, "hash": chain.head_hash}
    r.genesis = checker.first_hash
    return chain


def _now(created_at: str | None) -> dt.datetime | None:
    """The manifest's ``created_at``, "now" for the deadline rules; None if unusable."""
    if created_at is None:
        return None
    try:
        return parse_ts(created_at)
    except ValueError:
        return None


def audit_journal(
    lines: Sequence[bytes],
    now: dt.datetime | None,
    *,
    check_signatures: bool = True,
    keep: list[Entry] | None = None,
) -> tuple[VerifyResult, Facts]:
    """Chain, attestation and finding checks of journal lines alone (no manifest).

    ``check_signatures=False`` skips the public-key operations (everything
    else, including who signed and the counters, is still judged): the
    terminal's writer uses it because every assertion was verified when its
    entry was appended and the chain at every unlock, so repeating thousands
    of ECDSA checks would only slow the export; auditors always check them.

    The export writer uses it to put the same findings in ``report.pdf`` that
    an auditor's verifier will report, and the facts (incidents, accounts)
    that the report's deadline table is drawn from. ``keep``, when given,
    receives every entry that passed (in seq order), so the writer can build
    ``events.csv`` without parsing the lines a second time.
    """
    r = VerifyResult(bundle="journal")
    checker = EntryChecker(r, (), check_signatures)
    on_entry: Callable[[Entry], str | None] = checker
    if keep is not None:

        def on_entry(e: Entry) -> str | None:
            problem = checker(e)
            if problem is None:
                keep.append(e)
            return problem

    _walk(lines, checker, on_entry)
    checker.finish(now)
    return r, checker.facts


def read_bundle(path: Path) -> dict[str, bytes]:
    """The regular files directly inside a bundle directory."""
    return {p.name: p.read_bytes() for p in sorted(path.iterdir()) if p.is_file()}


def verify_bundle(
    path: Path,
    *,
    trusted_keys: Sequence[str] = (),
    anchors: Sequence[tuple[int, str]] = (),
) -> VerifyResult:
    """Verify the bundle directory at ``path`` (see :func:`verify_files`)."""
    return verify_files(
        read_bundle(path), name=str(path), trusted_keys=trusted_keys, anchors=anchors
    )
