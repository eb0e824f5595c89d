"""Journal benchmarks: what a custodian waits for, each against a floor measured in the same run.

* **Unlock** of a ten-year journal, made by the product itself
  (``sealroom simulate --years 10``: the procedure flows driven by simulated
  people and keys), and of a synthetic hundred-year one (about 30,000
  entries appended through ``Journal.append``). Timed: ``Journal.open`` with
  everything it does at unlock (SQLCipher settings and ``quick_check``, the
  walk of :mod:`kiosk.journal.walk` over every row — ``check_chain``, the
  auditors' per-entry checks with every signature verified, each payload's
  schema, the state replay) and ``close``; not the key-slot unwrap, whose
  Argon2 cost is set on purpose. Two floors: a fresh SQLCipher connection
  given the key reading the same rows, and SHA-256 of every line (the least
  any unlock that checks the chain must do); and the bare signature checks
  of the same journal's attestations and unlock assertions (``cryptography``
  ``verify`` on pre-loaded keys, everything else done beforehand: the least
  any unlock that checks every signature must do).
* **Append** p50: ``Journal.append`` against ``os.write`` + ``os.fsync`` of
  the same number of bytes in the same directory, interleaved one for one so
  both see the same moments of a shared disk. Target: within 3x. An append
  includes the key-slot file's head write (issue 17: a durable replacement,
  two flushes beyond SQLite's one); no TPM is used here.

Each ratio is the median over ``--runs`` runs of the ratio within one run
(floor and measure back to back). ``--keep DIR`` keeps the built journals
there and reuses them on the next run (building takes a few minutes).
Run: ``.venv/bin/python benchmarks/journal.py``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlcipher3
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hardware.sim.terminal import TEST_PASSPHRASE  # noqa: E402
from kiosk.format.canonical import b64u_decode  # noqa: E402
from kiosk.format.clock import SystemClock  # noqa: E402
from kiosk.journal.keyslots import FAST_TEST_PARAMS, KeySlots  # noqa: E402
from kiosk.journal.store import DB_NAME, SLOTS_NAME, Journal  # noqa: E402
from kiosk.policy import load_policy  # noqa: E402
from kiosk.terminal.lifecycle import commission  # noqa: E402
from kiosk.terminal.signers import journal_check  # noqa: E402

HUNDRED_YEARS = 30_000


def timed(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def ten_year_journal(where: Path) -> tuple[Path, bytes]:
    """``sealroom simulate --data WHERE --years 10``; the journal's directory and key."""
    if not (where / "data" / DB_NAME).exists():
        subprocess.run(
            [sys.executable, "-m", "ui.cli", "simulate", "--data", str(where), "--years", "10"],
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    data = where / "data"
    return data, KeySlots.load(data / SLOTS_NAME).open_with_passphrase(TEST_PASSPHRASE)


def hundred_year_journal(where: Path) -> tuple[Path, bytes]:
    """A commissioned journal grown to ~30,000 entries by ``Journal.append``, as on a terminal."""
    key_file = where / "db.key"
    if not key_file.exists():
        done = commission(where, load_policy(), SystemClock(), argon=FAST_TEST_PARAMS)
        j = done.journal
        while j.head.seq < HUNDRED_YEARS:
            n = j.head.seq
            if n % 3 == 0:
                serials = [f"SR{n:07d}{k}" for k in range(4)]
                j.append("envelope.stock_received", {"serials": serials, "supplier": "Bagco"})
            elif n % 3 == 1:
                account = f"acc-{n % 40}"
                j.append(
                    "alert.raised",
                    {
                        "alert": "deadline.overdue",
                        "summary": f"Overdue: quarterly test ({account}), 120 min past due.",
                        "detail": {
                            "deadline": f"quarterly_test:{account}:{n}",
                            "kind": "quarterly_test",
                            "subject": account,
                            "due": "2031-03-31T23:59:59.000Z",
                        },
                    },
                )
            else:
                # (acknowledgements are signed with a key since issue 17: not synthetic)
                j.append("alert.slip_failed", {"alert_seq": n, "reason": "print.paper_out"})
        j.close()
        key_file.write_bytes(done.db_key)
    return where, key_file.read_bytes()


def bench_unlock(data: Path, key: bytes, runs: int) -> dict[str, Any]:
    def unlock() -> None:
        Journal.open(data, key, SystemClock(), approval_check=journal_check).close()

    def floor() -> None:
        conn = sqlcipher3.connect(str(data / DB_NAME))
        conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        for (line,) in conn.execute("SELECT line FROM entries ORDER BY seq"):
            hashlib.sha256(line).digest()
        conn.close()

    j = Journal.open(data, key, SystemClock(), approval_check=journal_check)
    entries, size = j.head.seq, sum(map(len, j.lines()))
    signatures, count = signature_checks(list(j.lines()))
    j.close()
    times, floors, sig_floors = [], [], []
    for _ in range(runs):
        floors.append(timed(floor))
        sig_floors.append(timed(signatures))
        times.append(timed(unlock))
    return {
        "entries": entries,
        "signatures": count,
        "megabytes": round(size / 1e6, 1),
        "unlock_s_median": round(statistics.median(times), 3),
        "floor_s_median": round(statistics.median(floors), 3),
        "ratio_median": round(
            statistics.median(t / f for t, f in zip(times, floors, strict=True)), 1
        ),
        "signature_floor_s_median": round(statistics.median(sig_floors), 3) if count else None,
        "signature_ratio_median": round(
            statistics.median(t / f for t, f in zip(times, sig_floors, strict=True)), 2
        )
        if count
        else None,  # a journal without signatures has no such floor
    }


def signature_checks(lines: list[bytes]) -> tuple[Callable[[], None], int]:
    """The bare checks of every signature the unlock verifies, all else done beforehand.

    The attestations of every entry, and each key unlock's own assertion
    (``terminal.unlocked``), with the enrolled keys loaded once.
    """
    keys: dict[str, Any] = {}
    jobs: list[tuple[Any, bytes, bytes]] = []
    for raw in lines:
        e = json.loads(raw)
        if e["kind"] == "custodian.enrolled":
            cred = e["data"]["credential"]
            keys[cred["id"]] = serialization.load_der_public_key(b64u_decode(cred["public_key"]))
        signed = list(e["attest"])
        if e["kind"] == "terminal.unlocked" and e["data"].get("method") == "key":
            signed.append({**e["data"]["assertion"], "credential_id": e["data"]["credential_id"]})
        for a in signed:
            data = (
                b64u_decode(a["authenticator_data"])
                + hashlib.sha256(b64u_decode(a["client_data_json"])).digest()
            )
            jobs.append((keys[a["credential_id"]], b64u_decode(a["signature"]), data))
    ecdsa = ec.ECDSA(hashes.SHA256())

    def check() -> None:
        for key, signature, data in jobs:
            if isinstance(key, ec.EllipticCurvePublicKey):
                key.verify(signature, data, ecdsa)
            else:
                key.verify(signature, data)

    return check, len(jobs)


def append_run(j: Journal, floor_file: Path, n: int) -> tuple[float, float]:
    """p50 of ``n`` appends and of ``n`` write+fsync floors of the same sizes, interleaved."""
    times, floors = [], []
    fd = os.open(floor_file, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        for i in range(n):
            t0 = time.perf_counter()
            e = j.append("alert.raised", {"alert": "bench", "summary": f"append {i} " + "x" * 120})
            times.append(time.perf_counter() - t0)
            payload = os.urandom(len(e.line()))
            t0 = time.perf_counter()
            os.write(fd, payload)
            os.fsync(fd)
            floors.append(time.perf_counter() - t0)
    finally:
        os.close(fd)
    return statistics.median(times), statistics.median(floors)


def bench_append(where: Path, n: int, runs: int) -> dict[str, Any]:
    done = commission(where, load_policy(), SystemClock(), argon=FAST_TEST_PARAMS)
    try:
        results = [append_run(done.journal, where / "floor.bin", n) for _ in range(runs)]
    finally:
        done.journal.close()
    return {
        "appends_per_run": n,
        "append_p50_ms_median": round(statistics.median(a for a, _ in results) * 1e3, 2),
        "fsync_p50_ms_median": round(statistics.median(f for _, f in results) * 1e3, 2),
        "ratio_median": round(statistics.median(a / f for a, f in results), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (median)")
    parser.add_argument("--appends", type=int, default=200, help="appends per run")
    parser.add_argument("--keep", type=Path, help="build the journals here, reuse them next time")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=os.environ.get("SEALROOM_BENCH_DIR")) as tmp:
        built = args.keep or Path(tmp)
        built.mkdir(parents=True, exist_ok=True)
        ten, ten_key = ten_year_journal(built / "ten-years")
        hundred, hundred_key = hundred_year_journal(built / "hundred-years")
        results = {
            "unlock_ten_years": bench_unlock(ten, ten_key, args.runs),
            "unlock_hundred_years": bench_unlock(hundred, hundred_key, args.runs),
            "append": bench_append(Path(tmp) / "append", args.appends, args.runs),
        }
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
