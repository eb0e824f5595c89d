"""Signatures checked in worker processes give exactly the sequential verdict.

``verify_files`` checks the attestation signatures of a large journal in
worker processes while it walks the chain, and keeps that walk only if
every queued signature verified. These tests lower the threshold and the
chunk size so a small real bundle takes the parallel path with many chunks,
then compare the whole result (errors in order, findings, head) with the
in-process path on genuine and mutated bundles: bad signatures (one, two,
with a later chain break), malformed authenticator data, a cleared UP flag,
swapped attestations. Caches are cleared before each run so neither path
borrows the other's results.
"""

from __future__ import annotations

import base64
import json
from typing import Any, ClassVar

import pytest

from kiosk.verify import bundle as vb
from kiosk.verify import parallel, verify_files
from tests.kiosk.export.test_mutations import Sealer, canon, rehash


def _b64u(b: bytes) -> str:
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def _unb64u(s: str) -> bytes:
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


class _Recording(parallel.Pool):
    made: ClassVar[list[_Recording]] = []

    def __init__(self, workers: int | None = None) -> None:
        super().__init__(workers)
        _Recording.made.append(self)


@pytest.fixture
def parallel_always(monkeypatch: pytest.MonkeyPatch) -> type[_Recording]:
    monkeypatch.setattr(vb, "PARALLEL_MIN", 1)
    monkeypatch.setattr(parallel, "CHUNK", 2)
    monkeypatch.setattr(vb, "Pool", _Recording)
    _Recording.made = []
    return _Recording


def _both(files: dict[str, bytes], keys: list[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    vb._CACHE.clear()
    vb._DIGESTS.clear()
    seq = verify_files(files, trusted_keys=keys, workers=0).to_json()
    vb._CACHE.clear()
    vb._DIGESTS.clear()
    par = verify_files(files, trusted_keys=keys, workers=2).to_json()
    return seq, par


def _entries(rb: Any) -> list[dict[str, Any]]:
    return [json.loads(x) for x in rb.files["journal.jsonl"].splitlines()]


def _seal(sealer: Sealer, entries: list[dict[str, Any]]) -> dict[str, bytes]:
    return sealer.seal(b"".join(canon(e) + b"\n" for e in rehash(entries)))


def _with_attest(e: dict[str, Any], i: int, **changes: str) -> dict[str, Any]:
    attest = [dict(a) for a in e["attest"]]
    attest[i].update(changes)
    return dict(e, attest=attest)


def test_genuine_bundle_same_verdict_and_workers_really_ran(
    real_bundle: Any, parallel_always: type[_Recording]
) -> None:
    keys = [real_bundle.public_line]
    seq, par = _both(real_bundle.files, keys)
    assert seq["verified"] and par == seq
    pools = parallel_always.made
    assert len(pools) == 1 and pools[0].remote > 0  # a worker process checked chunks
    assert not _children()  # every worker was reaped, nothing else left running


def _children() -> set[int]:
    import os
    from pathlib import Path

    pids: set[int] = set()
    for task in Path(f"/proc/{os.getpid()}/task").iterdir():
        pids.update(int(p) for p in (task / "children").read_text().split())
    return pids


def test_a_worker_that_dies_costs_only_speed(
    real_bundle: Any, parallel_always: type[_Recording], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker killed mid-run: its chunks are checked in-process, same verdict."""
    import subprocess
    import sys

    def doomed() -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, "-c", "import sys; sys.stdin.buffer.read(4); sys.exit(3)"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )

    monkeypatch.setattr(parallel, "_start_worker", doomed)
    keys = [real_bundle.public_line]
    seq, par = _both(real_bundle.files, keys)
    assert seq["verified"] and par == seq
    assert parallel_always.made[0].remote == 0
    assert not _children()


def test_mutated_bundles_report_exactly_the_sequential_first_problem(
    real_bundle: Any, parallel_always: type[_Recording]
) -> None:
    keys = [real_bundle.public_line]
    sealer = Sealer(real_bundle)
    entries = _entries(real_bundle)
    signed = [i for i, e in enumerate(entries) if e["attest"]]
    first, second, late = signed[2], signed[len(signed) // 2], signed[-2]

    def bad_sig(e: dict[str, Any]) -> dict[str, Any]:
        sig = bytearray(_unb64u(e["attest"][0]["signature"]))
        sig[-1] ^= 0x01
        return _with_attest(e, 0, signature=_b64u(bytes(sig)))

    def auth(e: dict[str, Any], fn: Any) -> dict[str, Any]:
        raw = bytearray(_unb64u(e["attest"][-1]["authenticator_data"]))
        return _with_attest(e, len(e["attest"]) - 1, authenticator_data=_b64u(fn(raw)))

    def clear_up(raw: bytearray) -> bytes:
        raw[32] &= ~0x01
        return bytes(raw)

    cases: dict[str, list[dict[str, Any]]] = {}
    es = list(entries)
    es[second] = bad_sig(es[second])
    cases["one bad signature"] = es
    es = list(entries)
    es[first], es[late] = bad_sig(es[first]), bad_sig(es[late])
    cases["two bad signatures, the earlier reported"] = es
    es = list(entries)
    es[late] = bad_sig(es[late])
    es[first] = auth(es[first], lambda raw: bytes(raw[:20]))
    cases["malformed authenticator data before a bad signature"] = es
    es = list(entries)
    es[second] = auth(es[second], clear_up)
    cases["UP cleared"] = es
    es = list(entries)
    es[first], es[late] = dict(es[first]), dict(es[late])
    es[first]["attest"], es[late]["attest"] = es[late]["attest"], es[first]["attest"]
    cases["swapped attestations"] = es
    for name, mutated in cases.items():
        seq, par = _both(_seal(sealer, mutated), keys)
        assert not seq["verified"], name
        assert par == seq, name
        assert seq["errors"][0]["code"] == "entry", name

    # A bad signature and a chain break, each way round: the earlier one is
    # the first problem (the signature, then the non-canonical line).
    for bad_at, broken_at in ((first, late), (late, first)):
        es = list(entries)
        es[bad_at] = bad_sig(es[bad_at])
        lines = [canon(e) for e in rehash(es)]
        lines[broken_at] = lines[broken_at].replace(b'"seq":', b'"seq": ', 1)
        seq, par = _both(sealer.seal(b"".join(x + b"\n" for x in lines)), keys)
        assert par == seq and seq["errors"][0]["seq"] == first + 1
    assert "canonical" in seq["errors"][0]["message"]


def test_without_worker_processes_the_pool_checks_in_process(
    real_bundle: Any, parallel_always: type[_Recording], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sandbox that forbids new processes still gets the same answer."""

    def refuse() -> Any:
        raise OSError("no processes here")

    monkeypatch.setattr(parallel, "_start_worker", refuse)
    keys = [real_bundle.public_line]
    seq, par = _both(real_bundle.files, keys)
    assert seq["verified"] and par == seq
    assert parallel_always.made[0].remote == 0


def test_check_chunk_gives_counters_and_error_codes(real_bundle: Any) -> None:
    """A worker's answer for one valid and one forged assertion, as plain values."""
    import hashlib

    entries = _entries(real_bundle)
    creds = {
        e["data"]["credential"]["id"]: e["data"]["credential"]
        for e in entries
        if e["kind"] == "custodian.enrolled"
    }
    e = next(x for x in entries if x["attest"] and x["kind"] != "custodian.enrolled")
    body = {k: e[k] for k in ("seq", "ts", "kind", "data", "prev")}  # spec section 3
    digest = hashlib.sha256(canon(body)).digest()
    a = e["attest"][0]
    cred = creds[a["credential_id"]]
    der = _unb64u(cred["public_key"])
    job = (a, digest, der, cred["alg"], cred["rp_id"], False)
    forged = (dict(a, signature=e["attest"][1]["signature"]), *job[1:])
    good, bad = parallel.check_chunk([job, forged])
    assert good == int.from_bytes(_unb64u(a["authenticator_data"])[33:37], "big")
    assert bad == ("webauthn.signature", {})
    assert parallel.outcome_error(bad).code == "webauthn.signature"


@pytest.mark.parametrize(
    ("load", "cores", "expected"),
    [
        ((0.9, 0, 0), 2, 1),
        ((1.6, 0, 0), 2, 0),
        ((4.5, 0, 0), 2, 0),
        ((1.2, 0, 0), 8, 7),
        ((3.0, 0, 0), 8, 5),
    ],
)
def test_default_workers_leave_a_busy_machine_alone(
    monkeypatch: pytest.MonkeyPatch, load: tuple[float, ...], cores: int, expected: int
) -> None:
    import os

    monkeypatch.setattr(os, "getloadavg", lambda: load)
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: set(range(cores)))
    assert parallel.default_workers() == expected


def test_busy_machine_and_small_bundles_verify_in_process(
    real_bundle: Any, parallel_always: type[_Recording], monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    keys = [real_bundle.public_line]
    monkeypatch.setattr(os, "getloadavg", lambda: (64.0, 0.0, 0.0))
    assert verify_files(real_bundle.files, trusted_keys=keys).ok  # workers=None: busy
    assert parallel_always.made == []
    monkeypatch.setattr(vb, "PARALLEL_MIN", 10**6)  # now the bundle counts as small
    assert verify_files(real_bundle.files, trusted_keys=keys, workers=2).ok
    assert parallel_always.made == []
