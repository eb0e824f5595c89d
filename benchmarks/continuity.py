"""Sealed backup and restore of a ten-year journal, each against copying the same bytes.

* **Backup**: :func:`kiosk.journal.backup.write_backup` of the ten-year
  journal made by ``sealroom simulate --years 10`` (the snapshot under the
  write lock, sealing, the durable write of one file) against copying the
  data directory's bytes (``journal.db`` and its WAL, ``keyslots.json``:
  ``copyfile`` + fsync of each file and of the directory).
* **Restore**: :func:`kiosk.terminal.restore.unpack_backup` of that backup
  into an empty directory (opening its key slots with the database key's
  owner, here the recovery passphrase at the test Argon2 cost excluded:
  the opener returns the key), rebuilding the database, and opening it with
  every check of an unlock (chain, every signature, schemas, replay, head)
  against copying the backup file's bytes (``copyfile`` + fsync).
* **Retirement**: :func:`kiosk.export.final.retire_terminal` on a copy of
  that terminal (the final export's approval by an auditor and a custodian,
  the dual ``terminal.retired``, the final export, the certificate's facts
  read from the journal, the certificate rendered and written to a PDF
  file, the key material destroyed) against the plain export on another
  copy (its approval and :func:`kiosk.export.export_bundle`, as the export
  screen runs them). Simulated keys sign; printing through CUPS is not
  timed (``benchmarks/print.py`` measures printing).

Median of ``--runs`` (default 5), each run alternating with its floor.
``--keep DIR`` reuses the simulated terminal. Run:
``.venv/bin/python benchmarks/continuity.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from journal import ten_year_journal  # noqa: E402

from hardware.printing.render import render  # noqa: E402
from hardware.sim.export import AUDITOR, approve_export  # noqa: E402
from hardware.sim.simulation import resume, save  # noqa: E402
from kiosk.export import DirectoryWriter, export_bundle  # noqa: E402
from kiosk.export.final import retire_terminal  # noqa: E402
from kiosk.format.clock import FakeClock  # noqa: E402
from kiosk.journal.backup import write_backup  # noqa: E402
from kiosk.journal.durable import fsync_dir  # noqa: E402
from kiosk.journal.store import Journal  # noqa: E402
from kiosk.terminal.restore import unpack_backup  # noqa: E402
from kiosk.terminal.signers import journal_check  # noqa: E402


def copy_durably(files: list[Path], target: Path) -> int:
    target.mkdir(parents=True, exist_ok=True)
    total = 0
    for f in files:
        out = target / f.name
        shutil.copyfile(f, out)
        fd = os.open(out, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        total += f.stat().st_size
    fsync_dir(target)
    return total


def timed(fn: object) -> float:
    t0 = time.perf_counter()
    fn()  # type: ignore[operator]
    return time.perf_counter() - t0


def bench_retirement(sim_dir: Path, work: Path, runs: int) -> list[tuple[float, float]]:
    """(retirement, plain export) seconds per run, each on its own copy of the terminal."""
    ready = work / "retire-ready"
    shutil.copytree(sim_dir, ready)
    sim = resume(ready)
    if AUDITOR.id not in sim.terminal.custodians:
        sim.later(minutes=5)
        sim.terminal.enrol(AUDITOR)
    save(sim)
    sim.terminal.close()
    out: list[tuple[float, float]] = []
    for run in range(runs):
        plain = resume(_copy(ready, work / f"plain-{run}"))
        retiring = resume(_copy(ready, work / f"retire-{run}"))
        stick, final = work / f"plain-stick-{run}", work / f"final-stick-{run}"
        stick.mkdir()
        final.mkdir()

        def export(sim: object = plain, stick: Path = stick) -> None:
            entry = approve_export(sim, str(stick))  # type: ignore[arg-type]
            t = sim.terminal  # type: ignore[attr-defined]
            export_bundle(t.journal, DirectoryWriter(stick), entry, render, policy=t.policy)

        def retire(sim: object = retiring, stick: Path = final, r: int = run) -> None:
            _retire(sim, stick, work / f"cert-{r}.pdf")

        if run % 2:  # alternate which goes first
            t_retire, t_export = timed(retire), timed(export)
        else:
            t_export, t_retire = timed(export), timed(retire)
        plain.terminal.close()
        retiring.terminal.close()
        out.append((t_retire, t_export))
    return out


def _copy(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


def _retire(sim: object, stick: Path, pdf: Path) -> None:
    t = sim.terminal  # type: ignore[attr-defined]

    def sign(approval: object, people: list[str]) -> object:
        roles = approval.roles if approval.kind == "export.approved" else (None, None)  # type: ignore[attr-defined]
        for who, role in zip(people[:2], roles, strict=False):
            t.sign(approval, who, role)
        return approval.commit()  # type: ignore[attr-defined]

    retire_terminal(
        t.journal,
        t.policy,
        t.security_keys,
        DirectoryWriter(stick),
        ["dana", "sam"],
        "benchmark",
        sign,  # type: ignore[arg-type]
        render,
        lambda cert: pdf.write_bytes(render(cert)),
        auditor=AUDITOR.id,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=os.environ.get("SEALROOM_BENCH_DIR")) as tmp:
        built = args.keep or Path(tmp)
        data, key = ten_year_journal(built / "ten-years")
        work = Path(tmp) / "work"
        backups, restores = [], []
        size = 0
        entries = 0
        for run in range(args.runs):
            medium = work / f"medium-{run}"
            medium.mkdir(parents=True)
            j = Journal.open(data, key, FakeClock(), approval_check=journal_check)
            try:
                entries = j.head.seq
                t_backup = timed(
                    lambda j=j, m=medium: write_backup(j, m, "2036-01-01T00:00:00.000Z")
                )
            finally:
                j.close()
            files = [p for p in data.iterdir() if p.name.startswith(("journal.db", "keyslots"))]
            t_copy = timed(lambda f=files, r=run: copy_durably(f, work / f"copy-{r}"))
            backup_file = next(medium.glob("*.sealroom-backup"))
            size = backup_file.stat().st_size

            def restore(m: Path = medium, r: int = run) -> None:
                j2, _h = unpack_backup(m, work / f"restored-{r}", lambda _s: key, FakeClock())
                j2.close()

            t_restore = timed(restore)
            t_floor = timed(lambda b=backup_file, r=run: copy_durably([b], work / f"bcopy-{r}"))
            backups.append((t_backup, t_copy))
            restores.append((t_restore, t_floor))
        retirements = bench_retirement(built / "ten-years", work, args.runs)
        results = {
            "entries": entries,
            "backup_bytes": size,
            "backup_s_median": round(statistics.median(b for b, _ in backups), 3),
            "copy_data_dir_s_median": round(statistics.median(c for _, c in backups), 3),
            "backup_ratio_median": round(statistics.median(b / c for b, c in backups), 1),
            "restore_s_median": round(statistics.median(r for r, _ in restores), 3),
            "copy_backup_file_s_median": round(statistics.median(f for _, f in restores), 3),
            "restore_ratio_median": round(statistics.median(r / f for r, f in restores), 1),
            "retirement_s_median": round(statistics.median(r for r, _ in retirements), 3),
            "plain_export_s_median": round(statistics.median(e for _, e in retirements), 3),
            "retirement_ratio_median": round(statistics.median(r / e for r, e in retirements), 2),
        }
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
