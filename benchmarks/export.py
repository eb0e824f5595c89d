"""Verify and export a ten-year bundle, each against a floor measured in the same run.

The journal is made the product's way: ``sealroom simulate --data DIR
--years 10 --export DIR/stick`` (the kiosk's procedure flows driven by
simulated people, keys, scanner and printer; a few minutes). Then:

* **verify**: ``sealroom verify BUNDLE --kiosk-key kiosk.pub``, the command
  an auditor runs (one process, from its start to its exit), against the
  bare signature checks of the same bundle: ``cryptography``'s ``verify``
  on keys loaded beforehand, over exactly the bundle's attestations plus the
  manifest's sshsig. No verifier that checks every signature (spec
  section 7) can beat that on one core. Target: within 2x.
* **export**: ``export_bundle`` (the writer, as the terminal runs it:
  journal read from SQLCipher, report.pdf rendered, events.csv, README,
  manifest, sshsig, every file fsynced and renamed) against rendering the
  same report plus copying the bundle's bytes (``copyfile`` + fsync of each
  file and of the directory) on the same disk. Target: within 1.5x.

Each figure is the median of ``--runs`` runs, in wall time (what people
wait for) and in CPU time (user + system, of this process and the commands
it ran: what the work costs, whatever else the machine is doing).

    .venv/bin/python benchmarks/export.py [--data DIR] [--runs N]

``--data DIR`` keeps the simulated terminal there and reuses it next time.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from hardware.printing.render import render
from hardware.sim.export import approve_export
from hardware.sim.simulation import resume, save
from kiosk.export import DirectoryWriter, ExportResult, export_bundle
from kiosk.export.content import report_model
from kiosk.format.canonical import b64u_decode
from kiosk.terminal.lifecycle import ssh_fingerprint
from kiosk.verify import read_bundle, sshsig

SEALROOM = str(Path(sys.executable).with_name("sealroom"))


def cpu_s() -> float:
    """CPU seconds used so far by this process and the commands it has waited for."""
    own, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


Times = tuple[float, float]  # median wall and CPU seconds


def compare(
    runs: int, work: Callable[[], object], floor: Callable[[], object]
) -> tuple[Times, Times]:
    """Median times of ``work`` and of ``floor``, run alternately (so both see the same load)."""
    times: tuple[list[Times], list[Times]] = ([], [])
    for _ in range(runs):
        for fn, out in ((work, times[0]), (floor, times[1])):
            c0, t0 = cpu_s(), time.perf_counter()
            fn()
            out.append((time.perf_counter() - t0, cpu_s() - c0))
    med = [tuple(statistics.median(x) for x in zip(*t, strict=True)) for t in times]
    return (med[0][0], med[0][1]), (med[1][0], med[1][1])


def ratio(label: str, took: Times, floor: Times, target: str) -> str:
    return (
        f"{label} = {took[0] / floor[0]:.2f}x wall ({took[0]:.3f} s / {floor[0]:.3f} s), "
        f"{took[1] / floor[1]:.2f}x CPU (target {target})"
    )


def simulated(data: Path) -> Path:
    """The bundle ``sealroom simulate --years 10 --export`` wrote (simulating it if need be)."""
    stick = data / "stick"
    if not stick.is_dir():
        t0 = time.perf_counter()
        subprocess.run(
            [SEALROOM, "simulate", "--data", str(data), "--years", "10", "--export", str(stick)],
            check=True,
        )
        print(f"sealroom simulate --years 10 --export: {time.perf_counter() - t0:.0f} s")
    return min(stick.iterdir())


def signature_checks(files: dict[str, bytes]) -> tuple[Callable[[], None], int]:
    """The bare signature checks of a bundle, everything else done beforehand; and how many."""
    keys: dict[str, Any] = {}
    jobs: list[tuple[Any, bytes, bytes]] = []
    for raw in files["journal.jsonl"].splitlines():
        e = json.loads(raw)
        if e["kind"] == "custodian.enrolled":
            cred = e["data"]["credential"]
            keys[cred["id"]] = serialization.load_der_public_key(b64u_decode(cred["public_key"]))
        for a in e["attest"]:
            signed = (
                b64u_decode(a["authenticator_data"])
                + hashlib.sha256(b64u_decode(a["client_data_json"])).digest()
            )
            jobs.append((keys[a["credential_id"]], b64u_decode(a["signature"]), signed))
    sig = sshsig.parse(files["manifest.json.sig"])
    manifest_key = ed25519.Ed25519PublicKey.from_public_bytes(sig.public_key)
    manifest_signed = sshsig._signed_data(sig.namespace, sig.hash_alg, files["manifest.json"])
    ecdsa = ec.ECDSA(hashes.SHA256())

    def check() -> None:
        for key, signature, data in jobs:
            if isinstance(key, ec.EllipticCurvePublicKey):
                key.verify(signature, data, ecdsa)
            else:
                key.verify(signature, data)
        manifest_key.verify(sig.signature, manifest_signed)

    return check, len(jobs) + 1


def copy(src: Path, dst: Path) -> None:
    """The bundle's bytes written as an export writes them: each file and the directory fsynced."""
    dst.mkdir()
    for f in sorted(src.iterdir()):
        shutil.copyfile(f, dst / f.name)
        fd = os.open(dst / f.name, os.O_RDONLY)
        os.fsync(fd)
        os.close(fd)
    fd = os.open(dst, os.O_RDONLY | os.O_DIRECTORY)
    os.fsync(fd)
    os.close(fd)


def bench_verify(bundle: Path, kiosk_pub: Path, runs: int) -> None:
    files = read_bundle(bundle)
    check, n_sigs = signature_checks(files)

    def run(*args: str) -> None:
        subprocess.run([SEALROOM, "verify", *args], check=True, stdout=subprocess.DEVNULL)

    took, floor = compare(runs, lambda: run(str(bundle), "--kiosk-key", str(kiosk_pub)), check)
    started, _ = compare(runs, lambda: run("--help"), lambda: None)
    entries = files["journal.jsonl"].count(b"\n")
    size = sum(len(b) for b in files.values())
    print(f"bundle: {entries} entries, {n_sigs} signatures, {size / 1e6:.1f} MB")
    print(ratio("verify: sealroom verify / bare signature checks", took, floor, "2x"))
    print(
        f"  of which starting Python and importing the verifier (sealroom verify --help): "
        f"{started[0]:.3f} s wall, {started[1]:.3f} s CPU"
    )


def bench_export(data: Path, out: Path, runs: int) -> None:
    sim = resume(data)
    try:
        j = sim.journal
        timezone = sim.terminal.policy.timezone
        approvals = iter([approve_export(sim, f"bench{n}") for n in range(runs + 1)])
        save(sim)

        def export() -> ExportResult:
            approval = next(approvals)
            stick = out / f"stick{approval.seq}"
            stick.mkdir()
            return export_bundle(j, DirectoryWriter(stick), approval, render, timezone=timezone)

        res = export()  # the bundle the floor renders and copies
        files = read_bundle(res.path)
        model = report_model(
            lines=files["journal.jsonl"].splitlines(),
            state=j.state,
            bundle=res.bundle,
            fingerprint=ssh_fingerprint(j.kiosk_public_line()),
            created_at=json.loads(files["manifest.json"])["created_at"],
            timezone=timezone,
        )
        copies = iter(range(runs))

        def floor() -> None:
            render(model)
            copy(res.path, out / f"copy{next(copies)}")

        took, floor_s = compare(runs, export, floor)
    finally:
        sim.terminal.close()
    label = "export: export_bundle / rendering the report + copying the bundle"
    print(ratio(label, took, floor_s, "1.5x"))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, help="keep (or reuse) the simulated terminal here")
    ap.add_argument("--runs", type=int, default=5, help="median of N for every figure")
    args = ap.parse_args()
    shm = Path("/dev/shm")  # noqa: S108 - RAM disk, so simulating is not bound by fsync
    scratch = Path(tempfile.mkdtemp(prefix="sealroom-bench-", dir=shm if shm.is_dir() else None))
    out = Path(tempfile.mkdtemp(prefix="sealroom-bench-out-"))  # on the disk, as a stick
    try:
        data = args.data or scratch / "data"
        bundle = simulated(data)
        print(f"median of {args.runs} runs; each floor measured in the same run")
        bench_verify(bundle, data / "kiosk.pub", args.runs)
        bench_export(data, out, args.runs)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
