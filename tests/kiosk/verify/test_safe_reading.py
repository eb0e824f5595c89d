"""The verifier reads a bundle safely (spec section 7, Amendment 1).

The four cases of issue 17, each through ``sealroom verify``: a symlinked
``report.pdf`` (it printed the hash of ``/etc/shadow``), a 3 GB stray file
(it was read into memory), deep nesting (``RecursionError``) and an ANSI
escape in a file name (it could overwrite the verdict). Then each rule of
:mod:`kiosk.verify.reading` on its own: devices, FIFOs, directories, links
to each of the bundle's files, a name swapped between ``lstat`` and
``open``, a journal that changes between its hash and its walk.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any, BinaryIO

import pytest

from kiosk.format.entry import MAX_LINE
from kiosk.verify import read_bundle, verify_bundle, verify_files
from kiosk.verify.bundle import verify_source
from kiosk.verify.reading import DirectorySource, MemorySource, Unreadable
from ui.cli import main

REPO = Path(__file__).resolve().parents[3]
GIB = 1 << 30
#: The address space the verifier may use in the memory tests (it needs about 40 MiB).
LIMIT = 256 << 20


def _reseal(d: Path, builder: Any, **files: bytes) -> None:
    """Rewrite files of bundle ``d`` and re-sign its manifest with the genuine key."""
    manifest = json.loads((d / "manifest.json").read_bytes())
    for name, blob in files.items():
        (d / name).write_bytes(blob)
        manifest["files"][name] = hashlib.sha256(blob).hexdigest()
    (d / "manifest.json").write_bytes(
        json.dumps(manifest, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    )
    (d / "manifest.json.sig").unlink()
    subprocess.run(
        [
            *("ssh-keygen", "-q", "-Y", "sign", "-f", str(builder.ssh_key)),
            *("-n", "sealroom-export", str(d / "manifest.json")),
        ],
        check=True,
        capture_output=True,
    )


def _run(d: Path, builder: Any, capsys: Any, *more: str) -> tuple[int, str]:
    pub = str(builder.ssh_key.with_suffix(".pub"))
    code = main(["verify", str(d), "--kiosk-key", pub, *more])
    return code, capsys.readouterr().out


# -- the four cases of the issue ------------------------------------------------------------


@pytest.mark.parametrize("target", ["secret", "/etc/shadow"])
def test_a_symlinked_report_is_refused_and_never_followed(
    builder: Any, tmp_path: Path, capsys: Any, target: str
) -> None:
    d = builder.write(tmp_path / "stick")
    if target == "secret":
        secret = tmp_path / "auditor-secret.txt"
        secret.write_bytes(b"the auditor's own private notes\n")
        target_path = secret
    else:
        target_path = Path(target)
    (d / "report.pdf").unlink()
    (d / "report.pdf").symlink_to(target_path)
    code, out = _run(d, builder, capsys)
    assert code == 1
    assert "NOT VERIFIED" in out
    assert "ERROR: report.pdf is a symbolic link, not a regular file" in out
    if target_path.exists() and os.access(target_path, os.R_OK):
        assert hashlib.sha256(target_path.read_bytes()).hexdigest() not in out
    r = verify_bundle(d, trusted_keys=[builder.public_line()])
    assert [(p.code, p.file) for p in r.errors] == [("unsafe_file", "report.pdf")]


def _memory_bound_run(args: list[str], limit: int) -> subprocess.CompletedProcess[str]:
    """``python -m kiosk.verify ARGS`` with its address space limited to ``limit`` bytes."""
    code = (
        "import resource, sys\n"
        f"resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))\n"
        "from kiosk.verify.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=300,
        check=False,
    )


def test_a_3gb_stray_file_is_noted_not_read(builder: Any, tmp_path: Path) -> None:
    d = builder.write(tmp_path / "stick")
    with (d / "holiday-video.mkv").open("wb") as fh:
        fh.truncate(3 * GIB)  # sparse: no disk used, 3 GB if read
    pub = str(builder.ssh_key.with_suffix(".pub"))
    out = _memory_bound_run([str(d), "--kiosk-key", pub], LIMIT)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "VERIFIED" in out.stdout
    assert (
        "holiday-video.mkv is in the bundle but not covered by the signature; it was not read"
        in (out.stdout)
    )
    assert "Traceback" not in out.stderr


def test_big_listed_files_are_streamed_in_bounded_memory(builder: Any, tmp_path: Path) -> None:
    """A listed 1 GiB report is hashed as a stream; a 1 GiB journal line is cut at 1 MiB.

    (1 GiB, four times the memory allowed, to keep the suite quick: hashing
    is the only cost, and it grows with the size.)
    """
    d = builder.write(tmp_path / "stick")
    for name in ("report.pdf", "journal.jsonl"):
        (d / name).unlink()
        with (d / name).open("wb") as fh:
            fh.truncate(GIB)  # a 1 GiB line of NUL bytes, for the journal
    pub = str(builder.ssh_key.with_suffix(".pub"))
    out = _memory_bound_run([str(d), "--kiosk-key", pub], LIMIT)
    assert out.returncode == 1, out.stderr[-2000:]
    assert "Traceback" not in out.stderr
    assert "ERROR: report.pdf has SHA-256" in out.stdout
    assert "ERROR: journal.jsonl has SHA-256" in out.stdout
    assert "ERROR: entry 1 (line 1) is longer than 1 MiB" in out.stdout


def _nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def test_deep_nesting_is_an_error_not_a_crash(builder: Any, tmp_path: Path, capsys: Any) -> None:
    lines = [*builder.lines, _nested(100_000)]
    d = builder.write(tmp_path / "stick", journal=b"".join(x + b"\n" for x in lines))
    code, out = _run(d, builder, capsys)
    assert code == 1
    assert "ERROR: entry 4 (line 4) holds JSON nested deeper than 64 levels" in out
    # The manifest too.
    (d / "manifest.json").write_bytes(_nested(100_000))
    code, out = _run(d, builder, capsys)
    assert code == 1 and "manifest.json nests deeper than 64 levels" in out


def test_deeply_nested_client_data_is_a_malformed_attestation(
    builder: Any, tmp_path: Path, capsys: Any, tools: Any
) -> None:
    builder.add("account.registered", {"account": "acc-1"}, ["alice", "bob"])
    entry = json.loads(builder.lines[-1])
    entry["attest"][0]["client_data_json"] = tools.b64u(_nested(50_000))
    body = {k: entry[k] for k in ("seq", "ts", "kind", "data", "prev", "attest")}
    entry["hash"] = hashlib.sha256(tools.canon(body)).hexdigest()
    builder.lines[-1], builder.hashes[-1] = tools.canon(entry), entry["hash"]
    code, out = _run(builder.write(tmp_path / "stick"), builder, capsys)
    assert code == 1
    assert "entry 4 (line 4) has attestation 1 (custodian alice): invalid attestation" in out
    assert "is malformed (client_data_json)" in out


def test_an_ansi_escape_in_a_file_name_cannot_rewrite_the_verdict(
    builder: Any, tmp_path: Path, capsys: Any
) -> None:
    d = builder.write(tmp_path / "stick")
    evil = "\x1b[1A\x1b[2K\r" + f"{d.name}: VERIFIED\x1b]0;ok\x07\u202e\u2028"
    (d / evil).write_bytes(b"x")
    # Make the bundle fail, so the forged line would hide a real NOT VERIFIED.
    (d / "events.csv").write_bytes(b"changed\n")
    code, out = _run(d, builder, capsys)
    assert code == 1 and f"{d}: NOT VERIFIED" in out
    assert all(c.isprintable() or c == "\n" for c in out), repr(out)
    assert "\\x1b[1A\\x1b[2K\\x0d" in out and "\\x07\\u202e\\u2028" in out
    # --json: nothing raw either, and the name is still exact once parsed.
    pub = str(builder.ssh_key.with_suffix(".pub"))
    assert main(["verify", str(d), "--kiosk-key", pub, "--json"]) == 1
    raw = capsys.readouterr().out
    assert all(c.isprintable() or c == "\n" for c in raw), repr(raw)
    doc = json.loads(raw)
    notes = [f["message"] for f in doc["bundles"][0]["findings"] if f["code"] == "extra_file"]
    assert notes and "\\x1b[1A" in notes[0]


# -- each rule of the reader --------------------------------------------------------------


def _bundle_with(d: Path, name: str, make: Any) -> None:
    (d / name).unlink()
    make(d / name)


@pytest.mark.parametrize(
    "name", ["journal.jsonl", "manifest.json", "manifest.json.sig", "README.txt"]
)
@pytest.mark.parametrize("kind", ["symlink", "fifo", "directory", "device", "link-to-device"])
def test_no_bundle_file_may_be_anything_but_a_regular_file(
    builder: Any, tmp_path: Path, capsys: Any, name: str, kind: str
) -> None:
    d = builder.write(tmp_path / "stick")
    real = tmp_path / f"real-{name}"
    real.write_bytes((d / name).read_bytes())  # the genuine bytes, outside the bundle
    makers = {
        "symlink": lambda p: p.symlink_to(real),
        "fifo": os.mkfifo,
        "directory": os.mkdir,
        "device": lambda p: os.mknod(p, stat.S_IFCHR | 0o600, os.makedev(1, 5)),  # /dev/zero
        "link-to-device": lambda p: p.symlink_to("/dev/zero"),
    }
    if kind == "device" and os.geteuid() != 0:
        pytest.skip("making a device node needs root")
    _bundle_with(d, name, makers[kind])
    what = {"fifo": "a FIFO", "directory": "a directory", "device": "a character device"}
    code, out = _run(d, builder, capsys)
    assert code == 1
    assert f"ERROR: {name} is {what.get(kind, 'a symbolic link')}, not a regular file" in out


def _swap_after_stat(monkeypatch: pytest.MonkeyPatch, name: str, swap: Any) -> list[str]:
    """Patch ``os.stat`` so that ``swap()`` runs once, right after ``name`` is checked."""
    real_stat = os.stat
    swapped: list[str] = []

    def stat_then_swap(path: Any, *args: Any, **kw: Any) -> os.stat_result:
        st = real_stat(path, *args, **kw)
        if str(path).endswith(name) and not swapped:
            swapped.append(name)
            swap()
        return st

    monkeypatch.setattr(os, "stat", stat_then_swap)
    return swapped


def test_a_name_swapped_for_a_link_after_lstat_is_not_followed(
    builder: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The race: checked as a regular file, then replaced by a link before the open."""
    d = builder.write(tmp_path / "stick")
    secret = tmp_path / "secret"
    secret.write_bytes(b"not for the verifier")

    def swap() -> None:
        os.symlink(secret, d / "report.tmp")
        os.replace(d / "report.tmp", d / "report.pdf")

    with DirectorySource(d) as source:
        swapped = _swap_after_stat(monkeypatch, "report.pdf", swap)
        with pytest.raises(Unreadable) as exc:
            source.open("report.pdf")
    assert swapped and "it was not followed" in exc.value.reason


def test_a_name_swapped_for_another_file_after_lstat_is_not_read(
    builder: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    d = builder.write(tmp_path / "stick")

    def swap() -> None:
        (d / "README.tmp").write_bytes(b"another file")
        os.replace(d / "README.tmp", d / "README.txt")

    with DirectorySource(d) as source:
        swapped = _swap_after_stat(monkeypatch, "README.txt", swap)
        with pytest.raises(Unreadable) as exc:
            source.open("README.txt")
    assert swapped
    assert exc.value.reason == "was replaced while it was being opened: it was not read"


def test_a_journal_that_changes_between_its_hash_and_its_walk_is_refused(builder: Any) -> None:
    """Hashed as listed, then walked shorter (a racing writer): only the hash check catches it."""
    files = _files(builder)
    journal = files["journal.jsonl"]
    reads: list[str] = []

    class Racing(MemorySource):
        def open(self, name: str) -> BinaryIO:
            if name != "journal.jsonl":
                return super().open(name)
            reads.append(name)
            if len(reads) == 1:
                return io.BytesIO(journal)  # the hash pass sees what the manifest lists...
            return io.BytesIO(journal[: journal.rindex(b"\n", 0, -1) + 1])  # ...the walk less

    w = verify_source(Racing(files), "racing", [builder.public_line()])
    assert reads == ["journal.jsonl", "journal.jsonl"]
    assert not w.result.ok and not w.authentic
    assert [p.message for p in w.result.errors] == [
        "journal.jsonl changed while it was being read: it must not be trusted"
    ]


def _files(builder: Any) -> dict[str, bytes]:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        return read_bundle(builder.write(Path(tmp)))


def test_a_line_of_exactly_1_mib_is_read_and_one_byte_more_is_an_error(builder: Any) -> None:
    files = _files(builder)
    for length, expected in ((MAX_LINE, "is not valid JSON"), (MAX_LINE + 1, "longer than 1 MiB")):
        journal = files["journal.jsonl"] + b"x" * length + b"\n"
        r = verify_files(dict(files, **{"journal.jsonl": journal}))
        entry_errors = [p.message for p in r.errors if p.code == "entry"]
        assert entry_errors and expected in entry_errors[0], entry_errors


def test_an_unterminated_last_line_is_an_error(builder: Any) -> None:
    files = _files(builder)
    r = verify_files(dict(files, **{"journal.jsonl": files["journal.jsonl"][:-1]}))
    assert "journal.jsonl: the last line does not end with a newline (truncated file?)" in [
        p.message for p in r.errors
    ]
    assert r.entries == 2


def test_unsafe_names_listed_in_the_manifest_are_not_opened(builder: Any, tmp_path: Path) -> None:
    d = builder.write(tmp_path / "stick")
    outside = tmp_path / "outside.txt"
    outside.write_bytes(b"outside")
    digest = hashlib.sha256(b"outside").hexdigest()
    manifest = json.loads((d / "manifest.json").read_bytes())
    for name in ("../outside.txt", str(outside), "a\x00b", ".hidden", ".."):
        manifest["files"][name] = digest
    (d / "manifest.json").write_bytes(
        json.dumps(manifest, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    )
    _reseal(d, builder)
    r = verify_bundle(d, trusted_keys=[builder.public_line()])
    unsafe = [p for p in r.errors if "unsafe file name" in p.message]
    assert len(unsafe) == 5
    assert all(p.code == "file_hash" for p in unsafe)


def test_read_bundle_skips_what_is_not_a_regular_file(builder: Any, tmp_path: Path) -> None:
    d = builder.write(tmp_path / "stick")
    (d / "link").symlink_to("/etc/passwd")
    os.mkfifo(d / "fifo")
    files = read_bundle(d)
    assert "link" not in files and "fifo" not in files and "journal.jsonl" in files


def test_the_terminal_id_and_bundle_name_are_shown_escaped_in_text_and_json(
    builder: Any, tmp_path: Path, capsys: Any
) -> None:
    """The manifest's kiosk_id and the directory's own name are the bundle's text too."""
    d = builder.write(tmp_path / "stick")
    hostile = d.parent / (d.name + "\u202e\x9b2J")
    d.rename(hostile)
    manifest = json.loads((hostile / "manifest.json").read_bytes())
    manifest["kiosk_id"] = "kiosk\x9b2J\u202e\x1b[0m"  # (not re-signed: NOT VERIFIED too)
    (hostile / "manifest.json").write_bytes(json.dumps(manifest, ensure_ascii=False).encode())
    for as_json in ([], ["--json"]):
        code, out = _run(hostile, builder, capsys, *as_json)
        assert code == 1
        assert all(c.isprintable() or c == "\n" for c in out), repr(out)
    doc = json.loads(out)
    assert doc["bundles"][0]["kiosk_id"] == manifest["kiosk_id"]  # exact, once parsed
    assert doc["bundles"][0]["bundle"] == str(hostile)


def test_a_failure_of_the_verifier_itself_is_not_verified_never_a_traceback(
    builder: Any, tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The safety net: a bug in a check fails the bundle closed, and says so."""
    from kiosk.verify import cli
    from kiosk.verify.entries import EntryChecker

    d = builder.write(tmp_path / "stick")

    def boom(*_args: Any, **_kw: Any) -> Any:
        raise RuntimeError("a bug")

    with monkeypatch.context() as m:
        m.setattr(EntryChecker, "__call__", boom)
        code, out = _run(d, builder, capsys)
    assert code == 1
    assert (
        "ERROR: entry 1 (line 1) could not be checked: the verifier failed on it (RuntimeError)"
        in out
    )
    with monkeypatch.context() as m:
        m.setattr(EntryChecker, "finish", boom)
        code, out = _run(d, builder, capsys)
    assert code == 1
    assert (
        "ERROR: the deadline rules could not be checked: the verifier failed (RuntimeError)" in out
    )
    with monkeypatch.context() as m:
        m.setattr(cli, "witness_bundle", boom)
        code, out = _run(d, builder, capsys)
    assert code == 1
    assert "ERROR: the verifier failed on this bundle (RuntimeError)" in out


@pytest.mark.parametrize("kind", ["link-to-dev-zero", "fifo"])
def test_choosing_anchors_by_terminal_reads_the_manifest_safely_too(
    builder: Any, tmp_path: Path, kind: str
) -> None:
    """A bundle not named sealroom-export-…: its terminal comes from its manifest, read safely.

    Read naively, a manifest linked to /dev/zero never ends and a FIFO never
    answers; the verifier must finish, and refuse the bundle.
    """
    d = builder.write(tmp_path / "stick")
    renamed = d.parent / "bundle-from-the-stick"
    d.rename(renamed)
    (renamed / "manifest.json").unlink()
    if kind == "fifo":
        os.mkfifo(renamed / "manifest.json")
    else:
        (renamed / "manifest.json").symlink_to("/dev/zero")
    anchor = f"{builder.kiosk_id}:1:{builder.hashes[0]}"
    out = subprocess.run(
        [sys.executable, "-m", "kiosk.verify", str(renamed), "--anchor", anchor],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
        check=False,
    )
    assert out.returncode == 1, out.stderr
    assert "ERROR: manifest.json is " in out.stdout and "not a regular file" in out.stdout
