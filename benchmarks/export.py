"""Export and verify a ten-year journal, each against a floor measured in the same run.

* export: ``export_bundle`` (journal lines read from SQLCipher, report.pdf
  rendered, events.csv, README, manifest, sshsig, every file fsynced and
  renamed) versus copying the same bytes (``shutil.copyfile`` + fsync of each
  file) into a directory on the same disk;
* verify: ``verify_bundle`` from cold caches (file hashes, canonical form,
  chain, every WebAuthn signature, dual control, findings) versus SHA-256 of
  the same bytes.

Targets (issue 6): export within 3x the copy floor, verify within 10x the
hashing floor.

The journal: ``sealroom simulate --years 10`` (issue 5) does not exist yet, so
this script generates one through the real journal (``Journal.begin`` ->
attestations -> ``commit``, the same checks as at the terminal), with
software ES256 keys making genuine WebAuthn assertions: per simulated year
``--incidents`` incidents and four quarterly drills, each with its whole
procedure (declaration, check-out, inspection, opening, session, signed
record, new envelope, rotation, destruction, review). The data directory is
put on /dev/shm when present so generation is not bound by fsync.

Run: ``.venv/bin/python benchmarks/export.py [--years 10] [--incidents 40]``.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from hardware.printing.render import render
from kiosk.clock import FakeClock, format_ts
from kiosk.export import DirectoryWriter, export_bundle
from kiosk.journal.keyslots import FAST_TEST_PARAMS
from kiosk.journal.store import Journal
from kiosk.policy import load_policy
from kiosk.terminal import commission
from kiosk.verify import bundle as vb
from kiosk.verify import verify_bundle

CHECK = {
    "seal_unbroken": True,
    "signatures_undisturbed": True,
    "no_tears_or_holes": True,
    "no_steaming": True,
}


def b64u(b: bytes) -> str:
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


class Key:
    """A software ES256 credential making real WebAuthn assertions."""

    def __init__(self, custodian: str, rp_id: str) -> None:
        self.custodian = custodian
        self.rp_id = rp_id
        self.priv = ec.generate_private_key(ec.SECP256R1())
        self.cid = os.urandom(16)
        self.count = 0

    def credential(self) -> dict[str, Any]:
        der = self.priv.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return {"id": b64u(self.cid), "public_key": b64u(der), "alg": -7, "rp_id": self.rp_id}

    def attest(self, digest: bytes, role: str) -> dict[str, str]:
        self.count += 1
        auth = (
            hashlib.sha256(self.rp_id.encode()).digest() + b"\x05" + self.count.to_bytes(4, "big")
        )
        client = json.dumps({"type": "webauthn.get", "challenge": b64u(digest)}).encode()
        sig = self.priv.sign(auth + hashlib.sha256(client).digest(), ec.ECDSA(hashes.SHA256()))
        return {
            "role": role,
            "custodian": self.custodian,
            "credential_id": b64u(self.cid),
            "authenticator_data": b64u(auth),
            "client_data_json": b64u(client),
            "signature": b64u(sig),
        }


def signed(
    j: Journal,
    kind: str,
    data: dict[str, Any],
    keys: list[Key],
    roles: tuple[str, ...] = ("custodian_a", "custodian_b"),
) -> None:
    p = j.begin(kind, data)
    for k, role in zip(keys, roles, strict=False):
        p.add(k.attest(p.digest, role))
    p.commit()


def person(key: Key, name: str, duties: list[str]) -> dict[str, Any]:
    return {
        "custodian": key.custodian,
        "name": name,
        "role": "Custodian",
        "duties": duties,
        "credential": key.credential(),
    }


def generate(root: Path, years: int, incidents: int) -> tuple[Journal, FakeClock, list[Key]]:
    policy = load_policy()
    clock = FakeClock(dt.datetime(2016, 1, 4, 9, 0, tzinfo=dt.UTC))
    done = commission(root, policy, clock, argon=FAST_TEST_PARAMS)
    j = done.journal
    dana, sam, avery = (Key(c, policy.rp_id) for c in ("dana", "sam", "avery"))
    signed(j, "custodian.enrolled", person(dana, "Dana", ["custodian"]), [dana])
    signed(j, "custodian.enrolled", person(sam, "Sam", ["custodian"]), [sam])
    signed(j, "custodian.enrolled", person(avery, "Avery", ["auditor"]), [dana, sam])
    pair = [dana, sam]
    account = {
        "account": "root-db",
        "username": "bg-root",
        "system": "Database cluster",
        "purpose": "Break-glass DBA",
        "storage_location": "Safe 1",
        "authorised": ["dana", "sam"],
    }
    signed(j, "account.registered", account, pair)
    serial_no = 10
    j.append("envelope.stock_received", {"serials": [f"SR{serial_no:08d}"]})
    signed(
        j,
        "envelope.registered",
        {"serial": f"SR{serial_no:08d}", "account": "root-db", "signed_across_seal": True},
        pair,
    )
    per_year = incidents + 4
    step = dt.timedelta(days=365 / per_year)
    for n in range(years * per_year):
        test = n % per_year < 4
        inc = f"{'DRILL' if test else 'INC'}-{n:05d}"
        old, new = f"SR{serial_no:08d}", f"SR{serial_no + 1:08d}"
        serial_no += 1
        clock.advance(seconds=step.total_seconds())
        t: dict[str, Any] = {"test": True} if test else {}
        j.append("invocation.declared", {"incident": inc, "record": {"reason": "IdP outage"}, **t})
        clock.advance(minutes=15)
        signed(
            j,
            "envelope.checked_out",
            {"serial": old, "account": "root-db", "incident": inc, **t},
            pair,
        )
        j.append(
            "envelope.inspected",
            {"serial": old, "incident": inc, "result": "intact", "checklist": CHECK, **t},
        )
        signed(
            j,
            "envelope.opened",
            {"serial": old, "incident": inc, "exterior_signed": True, **t},
            pair,
        )
        if not test:  # a drill stops after the opening (no session, no record)
            now = format_ts(clock.now())
            j.append(
                "session.started",
                {"incident": inc, "account": "root-db", "system": "Database cluster", "at": now},
            )
            for a in range(3):
                clock.advance(minutes=4)
                j.append(
                    "session.action",
                    {
                        "incident": inc,
                        "at": format_ts(clock.now()),
                        "action": f"Step {a}: restart the replication and check the lag",
                        "outcome": "done",
                        "outside_reason": False,
                        "narrated": True,
                    },
                )
            j.append(
                "session.ended",
                {"incident": inc, "at": format_ts(clock.now()), "duration_minutes": 12},
            )
            clock.advance(minutes=40)
            signed(j, "session.signed", {"incident": inc, "record_hash": "5" * 64}, pair)
        j.append("envelope.stock_received", {"serials": [new]})
        signed(
            j,
            "envelope.registered",
            {"serial": new, "account": "root-db", "signed_across_seal": True},
            pair,
        )
        signed(
            j,
            "credential.rotated",
            {"account": "root-db", "new_serial": new, "old_serial": old, "test_login_ok": True},
            pair,
        )
        signed(j, "envelope.destroyed", {"serial": old, "method": "cross-cut shredder"}, pair)
        if not test:
            clock.advance(days=1)
            j.append(
                "review.completed",
                {
                    "incident": inc,
                    "participants": [{"name": "Dana", "role": "IT Director"}],
                    "checklist": {"prerequisites_met": True},
                    "root_cause": "IdP outage",
                    "corrective_actions": ["Redundant IdP"],
                    "escalated": False,
                },
            )
    return j, clock, [dana, sam, avery]


def copy_floor(src: Path, dst: Path) -> float:
    dst.mkdir()
    t0 = time.perf_counter()
    for f in sorted(src.iterdir()):
        shutil.copyfile(f, dst / f.name)
        fd = os.open(dst / f.name, os.O_RDONLY)
        os.fsync(fd)
        os.close(fd)
    fd = os.open(dst, os.O_RDONLY | os.O_DIRECTORY)
    os.fsync(fd)
    os.close(fd)
    return time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--years", type=int, default=10)
    ap.add_argument("--incidents", type=int, default=40, help="real incidents per year")
    args = ap.parse_args()
    shm = Path("/dev/shm")  # noqa: S108 - RAM disk so generation is not fsync-bound
    gen_root = Path(tempfile.mkdtemp(prefix="sealroom-bench-", dir=shm if shm.is_dir() else None))

    out_root = Path(tempfile.mkdtemp(prefix="sealroom-bench-out-"))
    try:
        t0 = time.perf_counter()
        j, clock, keys = generate(gen_root / "data", args.years, args.incidents)
        print(f"generated {j.head.seq} entries in {time.perf_counter() - t0:.1f} s")
        dana, _sam, avery = keys
        clock.advance(days=1)
        signed(j, "export.approved", {"volume": "bench"}, [avery, dana], ("auditor", "custodian"))
        approval = j.entry(j.head.seq)
        assert approval is not None
        stick = out_root / "stick"
        stick.mkdir()
        t0 = time.perf_counter()
        res = export_bundle(j, DirectoryWriter(stick), approval, render)
        export_s = time.perf_counter() - t0
        size = sum(p.stat().st_size for p in res.path.iterdir())
        floor_s = copy_floor(res.path, out_root / "copy")
        blobs = [p.read_bytes() for p in sorted(res.path.iterdir())]
        t0 = time.perf_counter()
        for b in blobs:
            hashlib.sha256(b).digest()
        hash_s = time.perf_counter() - t0
        vb._CACHE.clear()
        vb._DIGESTS.clear()
        t0 = time.perf_counter()
        r = verify_bundle(res.path, trusted_keys=[j.kiosk_public_line()])
        verify_s = time.perf_counter() - t0
        assert r.ok, r.errors[:3]
        print(
            f"bundle: {res.entries} entries, {size / 1e6:.1f} MB "
            f"(journal {(res.path / 'journal.jsonl').stat().st_size / 1e6:.1f} MB, "
            f"report {(res.path / 'report.pdf').stat().st_size / 1e6:.1f} MB)"
        )
        print(
            f"export {export_s:.2f} s vs copy floor {floor_s:.3f} s = {export_s / floor_s:.1f}x "
            f"(target 3x)"
        )
        print(
            f"verify {verify_s:.2f} s vs sha256 floor {hash_s:.3f} s = {verify_s / hash_s:.1f}x "
            f"(target 10x); findings {len(r.findings)}"
        )
        j.close()
    finally:
        shutil.rmtree(gen_root, ignore_errors=True)
        shutil.rmtree(out_root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
