"""Command line of the verifier (``sealroom verify`` and ``python -m kiosk.verify``).

Exit codes: 0 every bundle verifies, authenticated by a trusted key given
with ``--kiosk-key`` (or by its own key, where the auditor explicitly said
``--trust-bundle-key``); findings may exist. 1 at least one bundle does not
verify. 2 usage error (bad arguments, unreadable key file, malformed anchor,
a bundle path that is not a directory). 3 every bundle is intact but at
least one is not authenticated: no trusted key was given, so it was checked
only with the key it carries itself, which anyone could have made.

Invariants:

* A bundle checked only with its own key is never reported VERIFIED nor
  exits 0 unless the auditor asked for it by name (``--trust-bundle-key``):
  the verdict says it is not authenticated and what to do.
* The report keeps the keys apart: the trusted key given, the bundle's own
  key, and which of them made the signature.
* A verified bundle's report lists what was checked (signature and key,
  each file's hash, the chain, attestations, dual control, anchors, the
  other bundles compared); ``--json`` holds the same, anchors included.

* Several bundles of one terminal are compared with each other
  (:mod:`kiosk.verify.agreement`) after each is verified on its own.
* Nothing from a bundle reaches the auditor's terminal raw: every text the
  report prints goes through :func:`kiosk.verify.result.shown`, and the
  ``--json`` text has every character that is not printable written as a
  JSON ``\\u`` escape (:func:`json_text`), so a bundle cannot rewrite the
  verdict on screen.
* No input ends in a traceback: a failure of the verifier on one bundle is
  an error of that bundle (NOT VERIFIED), never a crash.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import textwrap
from pathlib import Path
from typing import TextIO

from kiosk.errors.messages import render
from kiosk.format.entry import too_deep
from kiosk.verify import sshsig
from kiosk.verify.agreement import Witness, check_agreement
from kiosk.verify.bundle import witness_bundle
from kiosk.verify.manifest import MANIFEST
from kiosk.verify.reading import DirectorySource, Unreadable, read_small
from kiosk.verify.result import (
    NOT_AUTHENTICATED,
    NOT_VERIFIED,
    VERIFIED,
    VERIFIED_OWN_KEY,
    VerifyResult,
    shown,
)

_ANCHOR = re.compile(r"^(?:([a-z0-9-]{1,40}):)?([1-9][0-9]{0,15}):([0-9a-f]{64})$")


class UsageError(Exception):
    """A command-line mistake (exit code 2); the text says what to fix."""


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("bundles", nargs="+", metavar="BUNDLE", help="bundle directory (one or more)")
    p.add_argument(
        "--kiosk-key",
        action="append",
        default=[],
        metavar="FILE",
        help="the terminal's public key (kiosk.pub; its fingerprint is on the terminal "
        "identity sheet); repeat for several terminals",
    )
    p.add_argument(
        "--trust-bundle-key",
        action="store_true",
        help="without --kiosk-key: accept a bundle signed by the key it carries itself "
        "(compare its fingerprint with the terminal identity sheet first); otherwise such a "
        "bundle is NOT AUTHENTICATED (exit code 3)",
    )
    p.add_argument(
        "--anchor",
        action="append",
        default=[],
        metavar="SEQ:HASH",
        help="a journal head from paper or an earlier bundle; KIOSK_ID:SEQ:HASH "
        "applies it to one terminal's bundles only",
    )
    p.add_argument("--json", action="store_true", help="machine-readable result on stdout")


def _keys(files: list[str]) -> list[str]:
    keys: list[str] = []
    for name in files:
        try:
            text = Path(name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = type(exc).__name__
            raise UsageError(f"cannot read the kiosk key file {shown(name)} ({reason})") from None
        found = []
        for line in text.splitlines():
            # kiosk.pub lines, or allowed_signers lines ("principal ssh-ed25519 AAAA...").
            parts = line.split()
            while parts and parts[0] != "ssh-ed25519":
                parts.pop(0)
            if not parts:
                continue
            try:
                sshsig.parse_public_key(" ".join(parts))
            except sshsig.SshSigError:
                continue
            found.append(" ".join(parts))
        if not found:
            raise UsageError(f"{shown(name)} holds no ssh-ed25519 public key")
        keys.extend(found)
    return keys


def _anchors(texts: list[str]) -> list[tuple[str | None, int, str]]:
    out = []
    for text in texts:
        m = _ANCHOR.match(text.strip())
        if not m:
            raise UsageError(
                f"--anchor {shown(repr(text))} is not SEQ:HASH "
                "(a number and 64 lower-case hex digits)"
            )
        out.append((m.group(1), int(m.group(2)), m.group(3)))
    return out


def _kiosk_of(path: Path) -> str | None:
    """Which terminal a bundle is of, for ``KIOSK_ID:`` anchors: its name, else its manifest.

    The manifest is read as the verifier reads it (no link followed, bounded).
    """
    m = re.match(r"^sealroom-export-([a-z0-9-]{1,40})-\d{8}T\d{6}Z$", path.name)
    if m:
        return m.group(1)
    try:
        with DirectorySource(path) as source:
            raw = read_small(source, MANIFEST)
        obj = None if too_deep(raw) else json.loads(raw)
    except (OSError, Unreadable, ValueError, RecursionError):
        return None
    kid = obj.get("kiosk_id") if isinstance(obj, dict) else None
    return kid if isinstance(kid, str) else None


Anchor = tuple[str | None, int, str]


def verify_paths(
    paths: list[str],
    key_files: list[str],
    anchor_texts: list[str],
    trust_bundle_key: bool = False,
) -> list[VerifyResult]:
    """Verify each bundle, then check that the bundles of each terminal agree."""
    return _verify(paths, key_files, _anchors(anchor_texts), trust_bundle_key)[0]


def _verify(
    paths: list[str], key_files: list[str], anchors: list[Anchor], trust_bundle_key: bool
) -> tuple[list[VerifyResult], list[str | None]]:
    """The results, and the terminal each bundle was taken to be of (``KIOSK_ID:`` anchors)."""
    if trust_bundle_key and key_files:
        raise UsageError(
            "give either --kiosk-key (the terminal's key, checked for you) or "
            "--trust-bundle-key (the bundle's own key, compared by you), not both"
        )
    keys = _keys(key_files)
    for name in paths:
        path = Path(name)
        if not path.is_dir():
            raise UsageError(f"{shown(name)} is not a bundle directory")
    witnesses = []
    kiosks = []
    for name in paths:
        path = Path(name)
        kid = _kiosk_of(path)
        kiosks.append(kid)
        mine = [(s, h) for k, s, h in anchors if k is None or k == kid]
        witnesses.append(_witness(path, keys, mine))
    check_agreement(witnesses)
    for w in witnesses:
        w.result.trust_bundle_key = trust_bundle_key
    return [w.result for w in witnesses], kiosks


def _witness(path: Path, keys: list[str], anchors: list[tuple[int, str]]) -> Witness:
    """One bundle verified; a failure of the verifier itself is that bundle's error."""
    try:
        return witness_bundle(path, trusted_keys=keys, anchors=anchors)
    except Exception as exc:  # fail closed: NOT VERIFIED, and no traceback (module invariants)
        r = VerifyResult(bundle=str(path))
        r.error("internal", f"the verifier failed on this bundle ({type(exc).__name__})")
        return Witness(r)


def _short(h: object) -> str:
    return h[:12] + "…" if isinstance(h, str) else "—"


HEADLINES = {
    VERIFIED: "VERIFIED",
    VERIFIED_OWN_KEY: "VERIFIED WITH ITS OWN KEY (--trust-bundle-key)",
    NOT_AUTHENTICATED: "NOT AUTHENTICATED (intact, but no trusted key was given)",
    NOT_VERIFIED: "NOT VERIFIED",
}


def print_report(results: list[VerifyResult], out: TextIO) -> None:
    for r in results:
        print(f"{shown(r.bundle)}: {HEADLINES[r.verdict]}", file=out)
        walked = not any(p.code in ("entry", "canonical") for p in r.errors)
        if walked and r.head and r.entries:
            what = f"{r.entries} entries · head {r.head['seq']}:{r.head['hash']}"
        else:
            what = f"{r.entries} entries checked before the first error"
        print(f"  terminal {shown(r.kiosk_id or '?')} · {what}", file=out)
        for line in _key_lines(r):
            print(f"  {line}", file=out)
        explained = _explained(r)
        if explained:
            print(_wrapped(explained, "  ", "  "), file=out)
        if r.ok:
            print("  checked:", file=out)
            for line in checked_lines(r):
                print(_wrapped(shown(line), "    ", " " * 18), file=out)
        for p in r.errors:
            print(f"  ERROR: {shown(p.message)}", file=out)
        reviews = [f for f in r.findings if f.level == "review"]
        # The verdict's own sentence already says what the key.untrusted note says.
        notes = [
            f
            for f in r.findings
            if f.level != "review" and not (explained and f.code == "key.untrusted")
        ]
        if reviews:
            print(f"  findings ({len(reviews)}) — a reviewer must look:", file=out)
            for f in reviews:
                print(f"    - {shown(f.message)}", file=out)
        if notes:
            print(f"  notes ({len(notes)}):", file=out)
            for f in notes:
                print(f"    - {shown(f.message)}", file=out)
        print(file=out)
    if len(results) > 1:
        print_table(results, out)


def _wrapped(text: str, first: str, rest: str, width: int = 100) -> str:
    """``text`` wrapped for a terminal; hashes and keys are never broken."""
    return textwrap.fill(
        text,
        width,
        initial_indent=first,
        subsequent_indent=rest,
        break_long_words=False,
        break_on_hyphens=False,
    )


def _explained(r: VerifyResult) -> str | None:
    """The verdict's sentence from the message table, where the headline needs one."""
    key = r.key_fingerprint or "?"
    if r.key_source == "untrusted":
        return render("verify.untrusted_key", {"key": key, "trusted": ", ".join(r.trusted_keys)})
    if r.verdict == NOT_AUTHENTICATED:
        return render("verify.not_authenticated", {"key": key})
    if r.verdict == VERIFIED_OWN_KEY:
        return render("verify.own_key_trusted", {"key": key})
    return None


def _key_lines(r: VerifyResult) -> list[str]:
    """The trusted key(s) given, the bundle's own key, and which one made the signature."""
    lines = []
    if r.trusted_keys:
        for fp in r.trusted_keys:
            lines.append(f"trusted key   {fp} (given with --kiosk-key)")
    else:
        lines.append("trusted key   none given (--kiosk-key)")
    if r.key_fingerprint:
        if r.key_source == "trusted":
            whose = "the trusted key"
        elif r.key_source == "untrusted":
            whose = "NOT a trusted key"
        else:
            whose = "carried by the bundle itself"
        lines.append(
            f"bundle's key  {r.key_fingerprint} (named by the journal's genesis entry): {whose}"
        )
    if r.signed_by is None:
        signer = "neither key (the signature is missing or does not verify)"
    elif r.signed_by in r.trusted_keys:
        signer = f"{r.signed_by}, the trusted key"
    elif r.signed_by == r.key_fingerprint:
        signer = f"{r.signed_by}, the bundle's own key"
    else:
        signer = f"{r.signed_by}, neither the trusted key nor the journal's key"
    lines.append(f"signed by     {signer}")
    return lines


def checked_lines(r: VerifyResult) -> list[str]:
    """What a verdict rests on, one line per check (or file, or anchor)."""
    c = r.checked
    head = r.head or {}
    lines = []
    if c.signature:
        whose = "the trusted key" if r.key_source == "trusted" else "the bundle's own key"
        lines.append(
            f"signature     manifest.json.sig is a valid OpenSSH signature (namespace "
            f"sealroom-export) of manifest.json by {whose} {r.signed_by}"
        )
    lines.append(f"files         each has the SHA-256 that manifest.json lists ({len(c.files)}):")
    width = max((len(n) for n in c.files), default=0)
    for name, digest in sorted(c.files.items()):
        lines.append(f"                {name.ljust(width)}  {digest}")
    lines.append(
        f"chain         {r.entries} entries, seq 1 to {r.entries}: each line canonical JSON, "
        "each prev the hash of the entry before, each hash recomputed, time never going "
        f"backwards; genesis {r.genesis}; head {head.get('seq')}:{head.get('hash')}, as "
        "manifest.json says"
    )
    people = ", ".join(f"{c.names[p]} ({p})" if p in c.names else p for p in sorted(c.signers))
    lines.append(
        f"attestations  {c.attestations} security-key signatures checked against the keys the "
        f"journal enrolled, each bound to its entry's digest (by {people or 'nobody'})"
    )
    dual = [f"{c.dual_two_people} by two different custodians with two different keys"]
    if c.dual_first_enrolments:
        dual.append(f"{c.dual_first_enrolments} first enrolments, each signed by the key it enrols")
    if c.dual_exception:
        dual.append(f"{c.dual_exception} under a policy exception (see findings)")
    if c.dual_one_person:
        dual.append(
            f"{c.dual_one_person} by one person where only this project asks two (findings)"
        )
    total = c.dual_two_people + c.dual_first_enrolments + c.dual_exception + c.dual_one_person
    lines.append(f"dual control  {total} entries under dual control: " + "; ".join(dual))
    if c.key_unlocks:
        lines.append(
            f"key unlocks   {c.key_unlocks} unlocks with a security key, each assertion checked"
        )
    if c.anchors:
        for a in c.anchors:
            lines.append(f"anchor        entry {a.seq} = {a.hash}: {_ANCHOR_WORDS[a.status]}")
    else:
        lines.append(
            "anchor        none given: nothing here shows this is the terminal's latest journal "
            "(give the head on the last paper record with --anchor SEQ:HASH)"
        )
    if c.compared_with:
        lines.append(
            f"other bundles compared with {', '.join(c.compared_with)} (same terminal): "
            "the same hash at every entry both hold, and no later bundle with fewer entries"
        )
    else:
        lines.append("other bundles none of this terminal given, so none compared")
    return lines


_ANCHOR_WORDS = {
    "matched": "matched (--anchor): the journal passes through this point",
    "differs": "DIFFERS (--anchor): rewritten or another journal",
    "beyond": "NOT REACHED: the journal ends before this entry",
    "not reached": "not reached: the walk stopped at an earlier bad entry",
}


_SHORT = {
    VERIFIED: "VERIFIED",
    VERIFIED_OWN_KEY: "VERIFIED (own key)",
    NOT_AUTHENTICATED: "NOT AUTHENTICATED",
    NOT_VERIFIED: "NOT VERIFIED",
}


def print_table(results: list[VerifyResult], out: TextIO) -> None:
    """Several bundles side by side: one row each."""
    header = ["bundle", "terminal", "entries", "head", "key", "result", "errors", "findings"]
    rows = [
        [
            shown(Path(r.bundle).name),
            shown(r.kiosk_id or "?"),
            str(r.entries),
            f"{(r.head or {}).get('seq', '?')}:{_short((r.head or {}).get('hash'))}",
            (r.key_fingerprint or "?")[:19] + ("" if r.key_source == "trusted" else " (own)"),
            _SHORT[r.verdict],
            str(len(r.errors)),
            str(sum(1 for f in r.findings if f.level == "review")),
        ]
        for r in results
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, ["-" * w for w in widths], *rows]:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip(), file=out)


def run(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    trust = bool(getattr(args, "trust_bundle_key", False))
    try:
        anchors = _anchors(args.anchor)
        results, kiosks = _verify(args.bundles, args.kiosk_key, anchors, trust)
    except UsageError as exc:
        print(f"sealroom verify: {exc}", file=err)
        return 2
    code = exit_code(results)
    given = anchor_report(anchors, results, kiosks)
    if args.json:
        doc = {
            "verified": code == 0,
            "exit_code": code,
            "bundles": [r.to_json() for r in results],
            "anchors": given,
        }
        out.write(json_text(doc) + "\n")
    else:
        print_report(results, out)
        for a in given:
            if not a["bundles"]:
                print(f"anchor {shown(str(a['anchor']))} applied to no bundle given", file=out)
    return code


def exit_code(results: list[VerifyResult]) -> int:
    """1 if any bundle is not verified, else 3 if any is not authenticated, else 0."""
    if not all(r.ok for r in results):
        return 1
    if not all(r.accepted for r in results):
        return 3
    return 0


def anchor_report(
    anchors: list[Anchor], results: list[VerifyResult], kiosks: list[str | None]
) -> list[dict[str, object]]:
    """Each ``--anchor`` given: the bundles it applied to and how each met it."""
    out: list[dict[str, object]] = []
    for kid, seq, h in anchors:
        text = f"{kid + ':' if kid else ''}{seq}:{h}"
        applied = []
        for r, k in zip(results, kiosks, strict=True):
            if kid is not None and kid != k:
                continue
            status = next(
                (a.status for a in r.checked.anchors if a.seq == seq and a.hash == h),
                "not reached",
            )
            applied.append({"bundle": r.bundle, "status": status})
        out.append({"anchor": text, "kiosk_id": kid, "seq": seq, "hash": h, "bundles": applied})
    return out


def json_text(doc: object) -> str:
    """``doc`` as indented JSON in which every character that is not printable is escaped.

    ``json`` escapes the C0 controls but writes C1 controls, bidirectional
    overrides and line separators as they are (with ``ensure_ascii=False``);
    those only ever appear inside strings, where ``\\uXXXX`` means the same.
    """
    text = json.dumps(doc, indent=2, ensure_ascii=False)
    if text.isprintable() or all(c.isprintable() or c == "\n" for c in text):
        return text
    return "".join(c if c.isprintable() or c == "\n" else _json_escape(c) for c in text)


def _json_escape(c: str) -> str:
    o = ord(c)
    if o < 0x10000:
        return f"\\u{o:04x}"
    o -= 0x10000
    return f"\\u{0xD800 + (o >> 10):04x}\\u{0xDC00 + (o & 0x3FF):04x}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="sealroom verify",
        description="Verify Sealroom export bundles offline (spec sealroom-export/1).",
    )
    add_arguments(parser)
    args = parser.parse_args(argv)
    return run(args)
