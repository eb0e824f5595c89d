"""The manifest and its signature (spec sections 6-7): the bundle's files, its key, its journal.

``manifest.json`` lists every file of the bundle with its SHA-256 and
describes the journal (entries, head, genesis, terminal, key);
``manifest.json.sig`` is an sshsig of it by the terminal's key
(namespace ``sealroom-export``). This module checks each of those claims;
:mod:`kiosk.verify.bundle` calls the checks in the spec's order.

Invariants:

* A manifest that is not a canonical JSON object with every field of the
  spec is an error, and nothing else is read from it.
* Every listed file must be present, a regular file (not a link, device or
  FIFO: :mod:`kiosk.verify.reading`), with that SHA-256, and the four files
  of the spec must be listed; a name with a path in it is refused. A file
  that is present but not listed is a note, and is not read: the signature
  does not cover it.
* The manifest and the signature are read up to 1 MiB each, and a manifest
  nested deeper than 64 levels is refused before it is parsed.
* Which key signs: the trusted key given (the terminal identity sheet's or
  commissioning sheet's) or, without one, the journal's own (genesis
  ``data.kiosk_key``, reported as a note; such a bundle is not
  authenticated). Either way the key the journal's genesis names must be the
  one that signed, and the one the manifest names: a journal re-signed by
  another key is refused.
* The verdict names both keys apart: the auditor's (``trusted_keys``) and
  the bundle's own (``key_fingerprint``), and which of them made the
  signature (``signed_by``), so a wrong key is never shown as the trusted
  one.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kiosk.format.canonical import canon
from kiosk.format.clock import is_ts
from kiosk.format.entry import MAX_DEPTH, too_deep
from kiosk.verify import sshsig
from kiosk.verify.reading import Source, Unreadable, read_small, sha256_of, unsafe_name
from kiosk.verify.result import VerifyResult, fingerprint

FORMAT = "sealroom-export/1"
NAMESPACE = "sealroom-export"
JOURNAL = "journal.jsonl"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.json.sig"
LISTED_FILES = ("journal.jsonl", "report.pdf", "events.csv", "README.txt")
MANIFEST_FIELDS = frozenset(
    {"format", "kiosk_id", "kiosk_key", "created_at", "entries", "genesis", "head", "files"}
)


@dataclass(frozen=True)
class Signed:
    """The bytes of ``manifest.json`` and ``manifest.json.sig`` (None: missing or unreadable)."""

    manifest: bytes | None
    signature: bytes | None


def read_signed(source: Source, r: VerifyResult) -> Signed:
    """Read the manifest and its signature, each bounded; record why either is unusable.

    An unfinished export (no ``manifest.json.sig``) is recorded first of all,
    since that is the first thing an auditor must know.
    """
    signature = _read(
        source,
        SIGNATURE,
        r,
        "unfinished",
        "manifest.json.sig is missing: this is an unfinished export (or the signature "
        "was removed) and must not be trusted",
    )
    manifest = _read(source, MANIFEST, r, "manifest", "manifest.json is missing")
    return Signed(manifest, signature)


def _read(source: Source, name: str, r: VerifyResult, code: str, missing: str) -> bytes | None:
    """``name``'s bytes, or None with the error recorded: ``code``/``missing`` when absent."""
    try:
        return read_small(source, name)
    except Unreadable as exc:
        if exc.missing:
            r.error(code, missing, file=name)
        else:
            r.error("unsafe_file", f"{name} {exc.reason}", file=name)
        return None


def read_manifest(raw: bytes | None, r: VerifyResult) -> dict[str, Any] | None:
    """The manifest's fields, or None when it is missing or unusable (errors recorded)."""
    if raw is None:
        return None
    if too_deep(raw):
        r.error("manifest", f"manifest.json nests deeper than {MAX_DEPTH} levels", file=MANIFEST)
        return None
    try:
        obj = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        r.error("manifest", "manifest.json is not valid JSON", file=MANIFEST)
        return None
    if not isinstance(obj, dict):
        r.error("manifest", "manifest.json is not a JSON object", file=MANIFEST)
        return None
    try:
        canonical = canon(obj) == raw
    except ValueError:
        canonical = False
    if not canonical:
        r.error("canonical", "manifest.json is not in canonical form", file=MANIFEST)
    problems = []
    if obj.get("format") != FORMAT:
        problems.append(f"format is {obj.get('format')!r}, not {FORMAT!r}")
    missing = sorted(MANIFEST_FIELDS - obj.keys())
    if missing:
        problems.append(f"fields {', '.join(missing)} are missing")
    head = obj.get("head")
    if not isinstance(head, dict) or type(head.get("seq")) is not int:
        problems.append("head is not {seq, hash}")
    if type(obj.get("entries")) is not int:
        problems.append("entries is not an integer")
    if not isinstance(obj.get("files"), dict):
        problems.append("files is not an object")
    if not is_ts(obj.get("created_at")):
        problems.append("created_at is not a YYYY-MM-DDTHH:MM:SS.mmmZ time")
    if not isinstance(obj.get("kiosk_key"), str) or not isinstance(obj.get("kiosk_id"), str):
        problems.append("kiosk_id or kiosk_key is not text")
    if problems:
        r.error("manifest", "manifest.json: " + "; ".join(problems), file=MANIFEST)
        return None
    return obj


def check_files(source: Source, manifest: dict[str, Any], r: VerifyResult) -> set[str]:
    """Every listed file present, a regular file, with its SHA-256; the spec's four listed.

    Files are hashed as streams. A file the manifest does not list is a note
    and is not read. Returns the listed names whose hash matched.
    """
    listed: dict[str, Any] = manifest["files"]
    matched: set[str] = set()
    for name in LISTED_FILES:
        if name not in listed:
            r.error("file_hash", f"manifest.json does not list {name}", file=name)
    for name, expected in sorted(listed.items()):
        if unsafe_name(name):
            r.error("file_hash", f"manifest.json lists an unsafe file name {name!r}", file=name)
            continue
        try:
            with source.open(name) as fh:
                actual = sha256_of(fh)
        except Unreadable as exc:
            if exc.missing:
                r.error("file_hash", f"{name} is listed in manifest.json but missing", file=name)
            else:
                r.error("unsafe_file", f"{name} {exc.reason}", file=name)
            continue
        if actual != expected:
            r.error(
                "file_hash",
                f"{name} has SHA-256 {actual}, but manifest.json says {expected}",
                file=name,
            )
        else:
            matched.add(name)
            r.checked.files[name] = actual
    for name in source.names():
        if name not in listed and name not in (MANIFEST, SIGNATURE):
            r.find(
                "extra_file",
                f"{name} is in the bundle but not covered by the signature; it was not read",
                None,
                "note",
            )
    return matched


def check_signature(
    signed: Signed,
    r: VerifyResult,
    trusted_keys: Sequence[str],
    genesis_key: bytes | None,
    manifest: dict[str, Any] | None,
) -> bool:
    """``manifest.json.sig`` made by the key that must sign (see :func:`signing_key`).

    True only when the signature was checked and verifies. Either way the
    result records which of the keys known here made it (``signed_by``): the
    auditor's, the bundle's own, or neither.
    """
    signer = signing_key(r, trusted_keys, genesis_key, manifest)
    if signed.signature is None or signed.manifest is None:
        return False
    if signer is None:
        r.signed_by = _who_signed(signed, _known_keys(trusted_keys, genesis_key, manifest))
        return False
    try:
        sshsig.verify(signed.signature, signed.manifest, NAMESPACE, signer)
    except sshsig.SshSigError as exc:
        r.error("signature", f"manifest.json.sig: {exc}", file=SIGNATURE)
        r.signed_by = _who_signed(signed, _known_keys(trusted_keys, genesis_key, manifest))
        return False
    r.signed_by = fingerprint(signer)
    r.checked.signature = True
    return True


def _parsed(lines: Sequence[str]) -> list[bytes]:
    keys = []
    for line in lines:
        try:
            keys.append(sshsig.parse_public_key(line))
        except sshsig.SshSigError:
            continue
    return keys


def _manifest_key(manifest: dict[str, Any] | None) -> bytes | None:
    if manifest is None:
        return None
    try:
        return sshsig.parse_public_key(manifest["kiosk_key"])
    except sshsig.SshSigError:
        return None


def _known_keys(
    trusted_keys: Sequence[str], genesis_key: bytes | None, manifest: dict[str, Any] | None
) -> list[bytes]:
    """Every key this bundle's verdict can name: the auditor's, the journal's, the manifest's."""
    keys = _parsed(trusted_keys)
    for k in (genesis_key, _manifest_key(manifest)):
        if k is not None and k not in keys:
            keys.append(k)
    return keys


def _who_signed(signed: Signed, keys: Sequence[bytes]) -> str | None:
    """The fingerprint of whichever of ``keys`` made the signature, or None (none did)."""
    if signed.signature is None or signed.manifest is None:
        return None
    for key in keys:
        try:
            sshsig.verify(signed.signature, signed.manifest, NAMESPACE, key)
        except sshsig.SshSigError:
            continue
        return fingerprint(key)
    return None


def signing_key(
    r: VerifyResult,
    trusted_keys: Sequence[str],
    genesis_key: bytes | None,
    manifest: dict[str, Any] | None,
) -> bytes | None:
    """The key the signature must be made with, or None (an error was recorded).

    Also records the keys the verdict names: the bundle's own
    (``key_fingerprint``: the journal's genesis key, else the manifest's),
    the auditor's (``trusted_keys``), and whether the bundle's is one of
    them (``key_source``).
    """
    own = genesis_key if genesis_key is not None else _manifest_key(manifest)
    if own is not None:
        r.key_fingerprint = fingerprint(own)
    if trusted_keys:
        trusted = _parsed(trusted_keys)
        r.trusted_keys = [fingerprint(k) for k in trusted]
        if genesis_key is not None:
            if genesis_key not in trusted:
                r.key_source = "untrusted"
                given = ", ".join(r.trusted_keys)
                r.error(
                    "signature",
                    f"the journal's genesis names kiosk key {fingerprint(genesis_key)}, but the "
                    f"trusted key given (--kiosk-key) is {given}: this is not the commissioned "
                    "terminal's journal",
                    seq=1,
                )
                return None
            r.key_source = "trusted"
            return genesis_key
        if len(trusted) == 1:
            r.key_source = "trusted"
            return trusted[0]
        r.error("signature", "the journal's own key is unknown, so the signature cannot be checked")
        return None
    r.key_source = "journal"
    if own is None:
        r.error("signature", "no kiosk key to check the signature with")
        return None
    r.find(
        "key.untrusted",
        f"no --kiosk-key given: the signature was checked only with the bundle's own key "
        f"{r.key_fingerprint}. Compare it with the terminal identity sheet (or the "
        "commissioning sheet).",
        None,
        "note",
    )
    return own


def check_describes(
    manifest: dict[str, Any],
    r: VerifyResult,
    entries: int,
    head_hash: str,
    first_hash: str | None,
    genesis: Mapping[str, Any] | None,
    genesis_key: bytes | None,
) -> None:
    """The manifest describes this journal: entries, head, genesis, terminal and key.

    ``first_hash`` is entry 1's hash and ``genesis`` its data; ``genesis_key``
    the key it names.
    """
    if manifest["entries"] != entries:
        r.error(
            "manifest_head",
            f"manifest.json says {manifest['entries']} entries, the journal holds {entries}",
            file=MANIFEST,
        )
    head = manifest["head"]
    if head.get("seq") != entries or head.get("hash") != head_hash:
        r.error(
            "manifest_head",
            f"manifest.json's head is {head.get('seq')}:{head.get('hash')}, the journal's is "
            f"{entries}:{head_hash}",
            file=MANIFEST,
        )
    if manifest["genesis"] != first_hash:
        r.error(
            "manifest_head",
            "manifest.json's genesis is not the hash of entry 1",
            file=MANIFEST,
        )
    g = genesis or {}
    if manifest["kiosk_id"] != g.get("kiosk_id"):
        r.error(
            "manifest_head",
            f"manifest.json is for terminal {manifest['kiosk_id']!r}, the journal for "
            f"{g.get('kiosk_id')!r}",
            file=MANIFEST,
        )
    try:
        named = sshsig.parse_public_key(manifest["kiosk_key"])
    except sshsig.SshSigError:
        named = None
    if named != genesis_key:
        r.error(
            "signature",
            "manifest.json names another kiosk key than the journal's genesis",
            file=MANIFEST,
        )
