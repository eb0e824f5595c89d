"""Command line of the verifier (``sealroom verify`` and ``python -m kiosk.verify``).

Exit codes: 0 every bundle verifies (findings may exist), 1 at least one does
not, 2 usage error (bad arguments, unreadable key file, malformed anchor, a
bundle path that is not a directory).

Invariants:

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
from pathlib import Path
from typing import TextIO

from kiosk.format.entry import too_deep
from kiosk.verify import sshsig
from kiosk.verify.agreement import Witness, check_agreement
from kiosk.verify.bundle import witness_bundle
from kiosk.verify.manifest import MANIFEST
from kiosk.verify.reading import DirectorySource, Unreadable, read_small
from kiosk.verify.result import VerifyResult, shown

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
        help="the terminal's public key (kiosk.pub, as on the commissioning sheet); "
        "repeat for several terminals",
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


def verify_paths(
    paths: list[str], key_files: list[str], anchor_texts: list[str]
) -> list[VerifyResult]:
    """Verify each bundle, then check that the bundles of each terminal agree."""
    keys = _keys(key_files)
    anchors = _anchors(anchor_texts)
    for name in paths:
        path = Path(name)
        if not path.is_dir():
            raise UsageError(f"{shown(name)} is not a bundle directory")
    witnesses = []
    for name in paths:
        path = Path(name)
        kid = _kiosk_of(path)
        mine = [(s, h) for k, s, h in anchors if k is None or k == kid]
        witnesses.append(_witness(path, keys, mine))
    check_agreement(witnesses)
    return [w.result for w in witnesses]


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


def print_report(results: list[VerifyResult], out: TextIO) -> None:
    for r in results:
        verdict = "VERIFIED" if r.ok else "NOT VERIFIED"
        print(f"{shown(r.bundle)}: {verdict}", file=out)
        if r.ok and r.head:
            what = f"{r.entries} entries · head {r.head['seq']}:{r.head['hash']}"
        else:
            what = f"{r.entries} entries checked before the first error"
        print(f"  terminal {shown(r.kiosk_id or '?')} · {what}", file=out)
        if r.key_fingerprint:
            source = (
                "the trusted key given"
                if r.key_source == "trusted"
                else "the bundle's own key, no --kiosk-key given: "
                "compare with the commissioning sheet"
            )
            print(f"  kiosk key {r.key_fingerprint} ({source})", file=out)
        for p in r.errors:
            print(f"  ERROR: {shown(p.message)}", file=out)
        reviews = [f for f in r.findings if f.level == "review"]
        notes = [f for f in r.findings if f.level != "review"]
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
            "VERIFIED" if r.ok else "NOT VERIFIED",
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
    try:
        results = verify_paths(args.bundles, args.kiosk_key, args.anchor)
    except UsageError as exc:
        print(f"sealroom verify: {exc}", file=err)
        return 2
    ok = all(r.ok for r in results)
    if args.json:
        doc = {"verified": ok, "bundles": [r.to_json() for r in results]}
        out.write(json_text(doc) + "\n")
    else:
        print_report(results, out)
    return 0 if ok else 1


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
