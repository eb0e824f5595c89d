"""No input makes the verifier crash or write a raw control character (Amendment 1).

Hypothesis draws bundles: files in memory with any names and bytes, bundle
directories with links, FIFOs and directories among the files, broken
journal lines (too long, too deep, not JSON), and genuine signed bundles
whose kinds and ``data`` carry control characters. For each: a verdict,
never an exception; no message saying the verifier failed on its own (that
safety net is for auditors, not a place for bugs to hide); and nothing
printed, text or ``--json``, holds a character a terminal could act on.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.format.kinds import KINDS
from kiosk.verify import read_bundle, verify_files
from kiosk.verify.cli import run
from kiosk.verify.result import VerifyResult, shown
from tests.kiosk.verify.conftest import HandBuilder, make_ssh_key

FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
FILES = ("journal.jsonl", "manifest.json", "manifest.json.sig", "report.pdf", "README.txt")


@pytest.fixture(scope="module")
def base() -> Iterator[tuple[Path, dict[str, bytes], HandBuilder]]:
    """One genuine bundle: its directory, its files, and the builder (for its key)."""
    tmp = Path(tempfile.mkdtemp(prefix="fuzz-base-"))
    try:
        b = HandBuilder(make_ssh_key(tmp / "kiosk_key", "hand-kiosk-1"))
        b.genesis()
        b.enrol_first_two()
        b.add("account.registered", {"account": "acc-1"}, ["alice", "bob"])
        d = b.write(tmp / "stick")
        yield d, read_bundle(d), b
    finally:
        shutil.rmtree(tmp)


def _clean(r: VerifyResult) -> None:
    """The result's words: all printable, and no failure of the verifier itself."""
    texts = [p.message for p in r.errors] + [f.message for f in r.findings]
    texts += [p.file for p in r.errors if p.file is not None]
    for text in texts:
        assert text.isprintable(), repr(text)
        assert "the verifier failed" not in text, text


def _printable(text: str) -> bool:
    return all(c.isprintable() or c == "\n" for c in text)


def _cli(d: Path, *, as_json: bool, keys: list[str] = ()) -> tuple[int, str]:  # type: ignore[assignment]
    out, err = io.StringIO(), io.StringIO()
    args = argparse.Namespace(bundles=[str(d)], kiosk_key=list(keys), anchor=[], json=as_json)
    code = run(args, out, err)
    assert code in (0, 1, 3), err.getvalue()  # 3: intact, no trusted key given
    assert err.getvalue() == ""
    text = out.getvalue()
    assert _printable(text), repr(text)
    assert "the verifier failed" not in text
    if as_json:
        json.loads(text)
    return code, text


# -- strategies ---------------------------------------------------------------------------

hostile_text = st.text(
    st.characters(codec="utf-8")
    | st.sampled_from(["\x1b", "\r", "\x07", "\x9b", "\u202e", "\u2028", "\x00", "\x7f"]),
    max_size=30,
)
nested = st.integers(1, 3000).map(lambda n: b"[" * n + b"]" * n)
line_noise = st.one_of(
    st.binary(max_size=200),
    nested,
    st.integers(1, 3000).map(lambda n: b'{"a":' * n),
    hostile_text.map(lambda t: json.dumps({"kind": t}, ensure_ascii=False).encode()),
    st.just(b"x" * ((1 << 20) + 1)),
)


@st.composite
def mutated_files(draw: st.DrawFn, files: dict[str, bytes]) -> dict[str, bytes]:
    """A genuine bundle's files, changed by a few hostile operations."""
    out = dict(files)
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["drop", "replace", "add", "line", "manifest"]))
        name = draw(st.sampled_from(FILES))
        if op == "drop":
            out.pop(name, None)
        elif op == "replace":
            out[name] = draw(st.binary(max_size=300) | nested)
        elif op == "add":
            out[draw(hostile_text)] = draw(st.binary(max_size=50))
        elif op == "line":
            lines = out.get("journal.jsonl", b"").split(b"\n")
            at = draw(st.integers(0, max(0, len(lines) - 1)))
            lines.insert(at, draw(line_noise))
            out["journal.jsonl"] = b"\n".join(lines)
        else:
            manifest: Any = json.loads(files["manifest.json"])
            field = draw(st.sampled_from(sorted(manifest)))
            manifest[field] = draw(
                hostile_text
                | st.integers()
                | st.none()
                | st.dictionaries(hostile_text, hostile_text)
            )
            out["manifest.json"] = json.dumps(manifest, ensure_ascii=False).encode()
    return out


# -- the properties -----------------------------------------------------------------------


@FUZZ
@given(data=st.data())
def test_any_files_in_memory_get_a_verdict(base: Any, data: st.DataObject) -> None:
    _d, files, b = base
    mutated = data.draw(mutated_files(files))
    r = verify_files(mutated, trusted_keys=[b.public_line()])
    _clean(r)
    if mutated == files:
        assert r.ok


@FUZZ
@given(st.dictionaries(hostile_text, st.binary(max_size=100), max_size=6))
def test_any_names_and_bytes_in_memory_get_a_verdict(files: dict[str, bytes]) -> None:
    r = verify_files(files)
    assert not r.ok
    _clean(r)


def _fs_name(name: str) -> bool:
    try:
        encoded = name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return (
        0 < len(encoded) <= 200
        and "/" not in name
        and "\x00" not in name
        and name
        not in (
            ".",
            "..",
        )
    )


fs_names = hostile_text.filter(_fs_name) | st.sampled_from(FILES)
fs_kinds = st.sampled_from(["bytes", "link-out", "link-in", "link-dir", "fifo", "dir", "dangling"])


@FUZZ
@given(
    st.lists(st.tuples(fs_names, fs_kinds, st.binary(max_size=100)), max_size=5),
    st.booleans(),
)
def test_any_bundle_directory_gets_a_verdict(
    base: Any, changes: list[tuple[str, str, bytes]], as_json: bool
) -> None:
    d0, _files, b = base
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp) / d0.name
        shutil.copytree(d0, d)
        outside = Path(tmp) / "outside"
        outside.write_bytes(b"outside the bundle")
        for name, kind, blob in changes:
            p = d / name
            if p.is_dir() and not p.is_symlink():
                shutil.rmtree(p)
            elif p.exists() or p.is_symlink():
                p.unlink()
            if kind == "bytes":
                p.write_bytes(blob)
            elif kind == "link-out":
                p.symlink_to(outside)
            elif kind == "link-in":
                p.symlink_to("journal.jsonl")
            elif kind == "link-dir":
                p.symlink_to("/")
            elif kind == "fifo":
                os.mkfifo(p)
            elif kind == "dir":
                p.mkdir()
            else:
                p.symlink_to(Path(tmp) / "nowhere")
        code, _out = _cli(d, as_json=as_json, keys=[str(b.ssh_key.with_suffix(".pub"))])
        if not changes:
            assert code == 0


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    kind=hostile_text.filter(lambda k: bool(k) and k not in KINDS),
    data=st.dictionaries(hostile_text, hostile_text | st.lists(hostile_text, max_size=3)),
    serial=hostile_text,
    as_json=st.booleans(),
)
def test_signed_bundles_with_hostile_kinds_and_data_are_shown_escaped(
    base: Any, kind: str, data: dict[str, Any], serial: str, as_json: bool
) -> None:
    """A genuine bundle (the terminal's key, valid attestations) whose text is hostile."""
    _d, _files, b0 = base
    data = {k: v for k, v in data.items() if k not in ("exception", "incident")}
    with tempfile.TemporaryDirectory() as tmp:
        b = HandBuilder(b0.ssh_key)
        b.genesis()
        b.enrol_first_two()
        b.add(kind, data, ["alice"])
        b.add("account.registered", dict(data, account=kind), ["alice", "bob"])
        b.add("envelope.inspected", {"serial": serial, "result": "tampered"})
        d = b.write(Path(tmp))
        code, out = _cli(d, as_json=as_json, keys=[str(b.ssh_key.with_suffix(".pub"))])
        assert code == 0, out
        if not as_json:
            assert f"envelope {shown(serial)} was found tampered" in out
