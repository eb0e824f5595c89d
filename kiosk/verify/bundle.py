"""The auditors' verifier: every check of spec section 7 on one export bundle, in order.

A bundle is read through a :class:`kiosk.verify.reading.Source`: a
directory on a USB stick (read safely: regular files only, nothing
followed, memory bounded; see :mod:`kiosk.verify.reading`) or, in the
mutation suite, thousands of bundles changed in memory — the same checks
either way. This module only puts the checks in order; each lives where
its subject does: the manifest, its file hashes and its signature in
:mod:`kiosk.verify.manifest`, the journal entries in
:mod:`kiosk.verify.entries` (walked by :func:`kiosk.format.entry.check_chain`,
the function the terminal runs on every unlock), the verdict in
:mod:`kiosk.verify.result`, what a bundle says for comparing it with other
bundles of its terminal in :mod:`kiosk.verify.agreement`.

Invariants:

* **Errors** are exactly the spec's: bad or missing signature (including an
  unfinished export, i.e. no ``manifest.json.sig``), a file hash that differs,
  a line that is not canonical, a gap or repeat in ``seq``, a ``prev`` or
  ``hash`` that does not match, a ``ts`` that goes backwards, an invalid
  attestation, a dual entry without two distinct valid custodians and without
  an exception, a manifest head or count that differs from the journal, an
  ``--anchor`` that does not match, and Amendment 1's: a file that is not a
  regular file inside the bundle (a link, a device, a FIFO), a line longer
  than 1 MiB or nested deeper than 64 levels, and bundles of one terminal
  that fork or roll back (:mod:`kiosk.verify.agreement`). Anything else (unknown kinds and
  ``data`` fields, a malformed payload of a kind the spec does not
  constrain) is at most a finding: the verifier judges the contract, not one
  terminal's habits.
* The first bad entry is named (seq and line) with what is wrong, and the
  journal is checked no further.
* Findings never make a bundle fail; errors always do.
* ``journal.jsonl`` is hashed (against the manifest) and then walked line by
  line, hashed again as it is walked: a file that changes in between is an
  error, so what was judged is what was signed.
* No input makes the verifier crash: a failure of a check itself is
  recorded as an error saying the verifier failed (fail closed).
* Nothing is kept between calls: verifying a bundle twice, or two bundles,
  does the same work each time, in this process.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

from kiosk.format.clock import parse_ts
from kiosk.format.entry import ChainProblem, ChainResult, Entry, check_chain
from kiosk.rules.deadlines import Facts
from kiosk.verify import sshsig
from kiosk.verify.agreement import Witness
from kiosk.verify.entries import EntryChecker
from kiosk.verify.manifest import (
    JOURNAL,
    check_describes,
    check_files,
    check_signature,
    read_manifest,
    read_signed,
)
from kiosk.verify.reading import (
    DirectorySource,
    JournalLines,
    MemorySource,
    Source,
    Unreadable,
    read_small,
)
from kiosk.verify.result import AnchorCheck, VerifyResult


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
    return verify_source(MemorySource(files), name, trusted_keys, anchors).result


def verify_bundle(
    path: Path,
    *,
    trusted_keys: Sequence[str] = (),
    anchors: Sequence[tuple[int, str]] = (),
) -> VerifyResult:
    """Verify the bundle directory at ``path`` (see :func:`verify_files`)."""
    return witness_bundle(path, trusted_keys=trusted_keys, anchors=anchors).result


def witness_bundle(
    path: Path,
    *,
    trusted_keys: Sequence[str] = (),
    anchors: Sequence[tuple[int, str]] = (),
) -> Witness:
    """Verify the bundle directory at ``path``; keep what it says for comparing bundles.

    The directory is read through :class:`kiosk.verify.reading.DirectorySource`:
    only regular files, never a link followed, memory bounded.
    """
    try:
        source = DirectorySource(path)
    except OSError as exc:
        r = VerifyResult(bundle=str(path))
        r.error("unsafe_file", f"the bundle directory cannot be read ({exc.strerror})")
        return Witness(r)
    with source:
        return verify_source(source, str(path), trusted_keys, anchors)


def verify_source(
    source: Source,
    name: str,
    trusted_keys: Sequence[str] = (),
    anchors: Sequence[tuple[int, str]] = (),
) -> Witness:
    """Every check of one bundle, in the spec's order; see the module's invariants."""
    r = VerifyResult(bundle=name)
    w = Witness(r)
    signed = read_signed(source, r)
    manifest = read_manifest(signed.manifest, r)
    matched: set[str] = set()
    if manifest is not None:
        r.kiosk_id = manifest["kiosk_id"]
        r.created_at = manifest["created_at"]
        matched = check_files(source, manifest, r)

    # The journal: chain, attestations, dual control, findings.
    checker = EntryChecker(r, anchors)
    chain = _walk_journal(source, checker, w)
    listed_hash = None if manifest is None else manifest["files"].get(JOURNAL)
    if chain is not None and chain.problem is None and JOURNAL in matched:
        _same_as_hashed(chain, r, w.journal_hash, listed_hash)
    _anchors_met(checker, chain)

    # The signature, with the trusted key (or the journal's own).
    genesis_key: bytes | None = None
    if checker.genesis is not None:
        genesis_key = sshsig.parse_public_key(checker.genesis["kiosk_key"])
    signature_ok = check_signature(signed, r, trusted_keys, genesis_key, manifest)

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

    _guarded(r, "the deadline rules", lambda: checker.finish(_now(r.created_at)))
    if manifest is not None:
        w.authentic = signature_ok and JOURNAL in matched and w.journal_hash == listed_hash
        w.kiosk_id, w.created_at = manifest["kiosk_id"], manifest["created_at"]
        w.head_seq = manifest["head"]["seq"]
    return w


def _anchors_met(checker: EntryChecker, chain: ChainResult | None) -> None:
    """How each anchor was met, for the verdict (a mismatch is already an error)."""
    walked_all = chain is not None and chain.problem is None
    for seq, h in sorted(checker.anchors.items()):
        if seq in checker.anchor_met:
            status = "matched" if checker.anchor_met[seq] else "differs"
        elif walked_all and chain is not None and seq > chain.entries:
            status = "beyond"
        else:
            status = "not reached"
        checker.result.checked.anchors.append(AnchorCheck(seq, h, status))


def _same_as_hashed(
    chain: ChainResult, r: VerifyResult, walked: str | None, listed: str | None
) -> None:
    """The journal walked is the journal hashed against the manifest a moment before."""
    if walked != listed:
        chain.problem = ChainProblem(chain.entries + 1, chain.entries + 1, "changed")
        r.error(
            "file_hash",
            "journal.jsonl changed while it was being read: it must not be trusted",
            file=JOURNAL,
        )


def _walk_journal(source: Source, checker: EntryChecker, w: Witness) -> ChainResult | None:
    """Walk ``journal.jsonl`` line by line; None if it could not be opened (error recorded)."""
    r = checker.result
    try:
        fh = source.open(JOURNAL)
    except Unreadable as exc:
        if exc.missing:
            r.error("file_hash", "journal.jsonl is missing", file=JOURNAL)
        elif not any(p.code == "unsafe_file" and p.file == JOURNAL for p in r.errors):
            r.error("unsafe_file", f"journal.jsonl {exc.reason}", file=JOURNAL)
        return None
    with fh:
        lines = JournalLines(fh)

        def on_entry(e: Entry) -> str | None:
            problem = _guarded_entry(checker, e)
            if problem is None:
                w.add(e.hash)
            return problem

        try:
            chain = _walk(lines, checker, on_entry)
        except Unreadable as exc:
            r.error("file_hash", f"journal.jsonl {exc.reason}", file=JOURNAL)
            return None
    if lines.complete:
        w.journal_hash = lines.hexdigest
    if chain.problem is None and lines.unterminated:
        no = chain.entries + 1
        chain.problem = ChainProblem(no, no, "does not end with a newline")
        r.error(
            "canonical",
            "journal.jsonl: the last line does not end with a newline (truncated file?)",
            seq=no,
            file=JOURNAL,
        )
    elif chain.problem is None and chain.entries == 0:
        r.error("entry", "journal.jsonl holds no entries", file=JOURNAL)
    if chain.problem is None:
        for seq, _h in checker.anchors.items():
            if seq > chain.entries:
                r.error(
                    "anchor",
                    f"the anchor names entry {seq}, but the journal ends at entry "
                    f"{chain.entries} (truncated or rolled back)",
                    seq=seq,
                )
    return chain


def _guarded_entry(checker: EntryChecker, e: Entry) -> str | None:
    """The checker's verdict on ``e``; a failure of the checker itself is an error, not a crash.

    Defence in depth for "no traceback for any input": the bundle is then
    NOT VERIFIED (fail closed) and the message says the verifier failed, so
    such a bug is reported rather than hidden (the fuzz tests look for it).
    """
    try:
        return checker(e)
    except Exception as exc:
        return f"could not be checked: the verifier failed on it ({type(exc).__name__})"


def _guarded(r: VerifyResult, what: str, step: Callable[[], None]) -> None:
    """Run one whole-journal step; its failure is an error, not a traceback (as above)."""
    try:
        step()
    except Exception as exc:
        r.error("entry", f"{what} could not be checked: the verifier failed ({type(exc).__name__})")


def _walk(
    lines: Iterable[bytes], checker: EntryChecker, on_entry: Callable[[Entry], str | None]
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
    """The regular files directly inside a bundle directory, read into memory (tests, benchmarks).

    Read as the verifier reads (no link followed, no device or FIFO opened),
    each up to 1 GiB; the verifier itself streams (:func:`verify_bundle`).
    """
    files: dict[str, bytes] = {}
    with DirectorySource(path) as source:
        for name in source.names():
            try:
                files[name] = read_small(source, name, 1 << 30)
            except Unreadable:
                continue
    return files
