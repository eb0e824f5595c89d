"""The mutation suite: >= 10,000 changed real bundles, every one rejected with a reason.

Pass rule: for every mutation, ``verify_files`` returns ``ok == False`` and a
non-empty first error message. Mutations are made in memory and verified
in-process (no disk, no subprocess), each from scratch as an auditor's run
would, every signature up to the first bad entry checked again.

Classes (counts asserted at the end):

A. a byte flipped anywhere in any file of the bundle (raw);
B. a line deleted, duplicated, swapped with another, or inserted (from
   another position), then the manifest rebuilt and re-signed with the
   *genuine* kiosk key (a terminal that signs garbage);
C. a byte flipped in the journal, manifest rebuilt and re-signed (genuine);
D. an attestation swapped between two entries, the chain re-hashed and the
   manifest re-signed (genuine): the challenge no longer matches;
E. a line re-encoded non-canonically (spaces, escapes, key order, CRLF),
   re-signed (genuine);
F. a truncated journal with a consistent manifest re-signed by another key
   (checked with and without ``--kiosk-key``);
G. a rolled-back journal (truncated, consistent, re-signed by the genuine
   key): caught by ``--anchor`` with the real head;
H. an entry's data rewritten with the whole chain re-hashed and re-signed
   (genuine): caught by the attestations or by ``--anchor``.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections import Counter
from typing import Any

from kiosk.verify import sshsig, verify_files

NS = "sealroom-export"


def canon(obj: Any) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def rehash(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Re-chain entries: new prev and hash for each (attestations kept as they are)."""
    prev = "0" * 64
    out = []
    for n, e in enumerate(entries, start=1):
        e = dict(e, seq=n, prev=prev)
        body = {k: e[k] for k in ("seq", "ts", "kind", "data", "prev", "attest")}
        e["hash"] = hashlib.sha256(canon(body)).hexdigest()
        prev = e["hash"]
        out.append(e)
    return out


class Sealer:
    """Rebuilds manifest.json and its signature for a changed journal."""

    def __init__(self, rb: Any) -> None:
        self.rb = rb
        self.base = dict(rb.files)
        self.manifest = json.loads(rb.files["manifest.json"])
        self.genuine_raw = sshsig.parse_public_key(rb.public_line)
        self.other_raw = sshsig.parse_public_key(rb.other_key_line)

    def seal(self, journal: bytes, *, other_key: bool = False) -> dict[str, bytes]:
        files = dict(self.base, **{"journal.jsonl": journal})
        lines = journal.split(b"\n")[:-1] if journal.endswith(b"\n") else journal.split(b"\n")
        head_hash, genesis = "0" * 64, "0" * 64
        try:
            head_hash = json.loads(lines[-1])["hash"]
            genesis = json.loads(lines[0])["hash"]
        except (ValueError, KeyError, IndexError, TypeError):
            pass
        m = dict(self.manifest)
        m["entries"] = len(lines)
        m["head"] = {"seq": len(lines), "hash": head_hash}
        m["genesis"] = genesis
        m["files"] = {
            n: hashlib.sha256(files[n]).hexdigest()
            for n in ("journal.jsonl", "report.pdf", "events.csv", "README.txt")
        }
        if other_key:
            m["kiosk_key"] = self.rb.other_key_line
            raw, sign = self.other_raw, self.rb.other_sign
        else:
            raw, sign = self.genuine_raw, self.rb.kiosk_sign
        files["manifest.json"] = canon(m)
        files["manifest.json.sig"] = sshsig.sign(files["manifest.json"], NS, raw, sign)
        return files


def test_controls_genuine_and_resealed_bundles_verify(real_bundle: Any) -> None:
    """Without this, every rejection below could be the sealer's fault."""
    keys = [real_bundle.public_line]
    assert verify_files(real_bundle.files, trusted_keys=keys).ok
    sealer = Sealer(real_bundle)
    resealed = sealer.seal(real_bundle.files["journal.jsonl"])
    assert verify_files(resealed, trusted_keys=keys).ok
    entries = [json.loads(x) for x in real_bundle.files["journal.jsonl"].splitlines()]
    rechained = b"".join(canon(e) + b"\n" for e in rehash(entries))
    assert rechained == real_bundle.files["journal.jsonl"]
    head = entries[-1]
    r = verify_files(resealed, trusted_keys=keys, anchors=[(head["seq"], head["hash"])])
    assert r.ok


def test_ten_thousand_mutations_are_all_rejected_with_a_reason(real_bundle: Any) -> None:
    rng = random.Random(20260306)
    files = real_bundle.files
    keys = [real_bundle.public_line]
    sealer = Sealer(real_bundle)
    journal = files["journal.jsonl"]
    lines = journal.split(b"\n")[:-1]
    entries = [json.loads(x) for x in lines]
    n = len(lines)
    head = (entries[-1]["seq"], entries[-1]["hash"])
    counts: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    accepted: list[str] = []

    def check(cls: str, mutated: dict[str, bytes], **kw: Any) -> None:
        kw.setdefault("trusted_keys", keys)
        r = verify_files(mutated, **kw)
        counts[cls] += 1
        if r.ok or not r.errors or not r.errors[0].message:
            accepted.append(f"{cls} #{counts[cls]}")
        else:
            reasons[r.errors[0].code] += 1

    def join(ls: list[bytes]) -> bytes:
        return b"".join(x + b"\n" for x in ls)

    # A: raw flips, in every file, spread over each file's whole length.
    for name, blob in sorted(files.items()):
        share = 500 if len(blob) < 4000 else 1500
        for i in range(share):
            pos = (i * len(blob)) // share + rng.randrange(max(1, len(blob) // share))
            pos = min(pos, len(blob) - 1)
            b = bytearray(blob)
            b[pos] ^= rng.randrange(1, 256)
            check("A flip", dict(files, **{name: bytes(b)}))

    # B: structural line changes, resealed with the genuine key.
    for _ in range(300):
        i = rng.randrange(n)
        if i < n - 1:  # deleting the last line is a rollback: class G
            check("B delete", sealer.seal(join(lines[:i] + lines[i + 1 :])))
        check("B duplicate", sealer.seal(join([*lines[: i + 1], lines[i], *lines[i + 1 :]])))
        j = rng.randrange(n - 1)
        j = j + 1 if j >= i else j
        swapped = list(lines)
        swapped[i], swapped[j] = swapped[j], swapped[i]
        check("B reorder", sealer.seal(join(swapped)))
        k = rng.randrange(n + 1)
        check("B insert", sealer.seal(join([*lines[:k], lines[j], *lines[k:]])))

    # C: flips inside the journal, resealed with the genuine key.
    for _ in range(1500):
        b = bytearray(journal)
        b[rng.randrange(len(b))] ^= rng.randrange(1, 256)
        check("C flip resealed", sealer.seal(bytes(b)))

    # D: swapped attestations (re-chained, resealed).
    signed = [i for i, e in enumerate(entries) if e["attest"]]
    for _ in range(500):
        i, j = rng.sample(signed, 2)
        es = [dict(e) for e in entries]
        ai, aj = list(es[i]["attest"]), list(es[j]["attest"])
        x, y = rng.randrange(len(ai)), rng.randrange(len(aj))
        ai[x], aj[y] = aj[y], ai[x]
        es[i]["attest"], es[j]["attest"] = ai, aj
        check("D swap attest", sealer.seal(join([canon(e) for e in rehash(es)])))

    # E: non-canonical re-encodings of one line.
    def variants(e: dict[str, Any]) -> list[bytes]:
        raw = canon(e)
        seq = b'"seq":%d' % e["seq"]
        return [
            json.dumps(e, sort_keys=True, ensure_ascii=False).encode(),  # spaces
            json.dumps(dict(reversed(sorted(e.items()))), separators=(",", ":")).encode(),
            raw.replace(b'"seq":', b'"seq": ', 1),
            raw.replace(seq, seq + b".0", 1),  # a float
            raw.replace(seq, seq + b"e0", 1),  # an exponent
            raw + b" ",
            raw + b"\r",
            b" " + raw,
        ]

    for i, e in enumerate(entries):
        for v in variants(e):
            if v == lines[i]:
                continue
            check("E non-canonical", sealer.seal(join([*lines[:i], v, *lines[i + 1 :]])))
        # an escaped character that decodes to the same string
        s = e["kind"]
        esc = canon(e).replace(
            b'"kind":"' + s.encode(), b'"kind":"\\u%04x' % ord(s[0]) + s[1:].encode(), 1
        )
        check("E non-canonical", sealer.seal(join([*lines[:i], esc, *lines[i + 1 :]])))

    # F: truncated, consistent manifest, re-signed by another key.
    for k in range(1, n):
        t = sealer.seal(join(lines[:k]), other_key=True)
        check("F truncated other key", t)
        check("F truncated other key", t, trusted_keys=())

    # G: rolled back (genuine key) and caught by the anchor.
    for k in range(1, n):
        check("G rollback", sealer.seal(join(lines[:k])), anchors=[head])

    # H: data rewritten, chain re-hashed, resealed (genuine): attestations or anchor.
    for _ in range(1000):
        i = rng.randrange(1, n)
        es = [dict(e) for e in entries]
        data = dict(es[i]["data"])
        key = rng.choice(sorted(data)) if data else "note"
        data[key] = f"{data.get(key)}-x{rng.randrange(10**6)}"
        es[i]["data"] = data
        check("H rewritten", sealer.seal(join([canon(e) for e in rehash(es)])), anchors=[head])

    total = sum(counts.values())
    assert not accepted, f"{len(accepted)} mutations were accepted, e.g. {accepted[:5]}"
    assert total >= 10_000, counts
    for cls in (
        "A flip",
        "B delete",
        "B duplicate",
        "B reorder",
        "B insert",
        "C flip resealed",
        "D swap attest",
        "E non-canonical",
        "F truncated other key",
        "G rollback",
        "H rewritten",
    ):
        assert counts[cls] > 0, cls
    # The reasons are specific, not one catch-all.
    assert {"file_hash", "signature", "entry", "anchor"} <= set(reasons), reasons
