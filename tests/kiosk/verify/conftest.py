"""An independent bundle builder, written from the spec alone (no kiosk code).

:class:`HandBuilder` builds ``sealroom-export/1`` bundles the way a
third-party terminal would, following only ``export-format.md``: canonical
JSON with ``json.dumps``, WebAuthn assertions made with ``cryptography``
keys (ES256 and EdDSA), and the manifest signed by OpenSSH's own
``ssh-keygen -Y sign``. If the verifier accepts these, it accepts the
contract rather than this terminal's habits.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from tests.bundle_tools import ssh_verify

RP_ID = "sealroom.example"


def canon(obj: Any) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def b64u(b: bytes) -> str:
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def sha(b: bytes) -> bytes:
    return hashlib.sha256(b).digest()


@dataclass
class HandKey:
    custodian: str
    alg: int
    cred_id: bytes
    private: Any
    counter: int = 0

    def public_der(self) -> bytes:
        return self.private.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    def credential(self) -> dict[str, Any]:
        return {
            "id": b64u(self.cred_id),
            "public_key": b64u(self.public_der()),
            "alg": self.alg,
            "rp_id": RP_ID,
        }

    def assert_(self, digest: bytes, uv: bool = True, up: bool = True, bump: int = 1) -> dict:
        self.counter += bump
        flags = (1 if up else 0) | (4 if uv else 0)
        auth = sha(RP_ID.encode()) + bytes([flags]) + self.counter.to_bytes(4, "big")
        client = json.dumps(
            {"type": "webauthn.get", "challenge": b64u(digest), "origin": "https://x"}
        ).encode()
        msg = auth + sha(client)
        if self.alg == -7:
            sig = self.private.sign(msg, ec.ECDSA(hashes.SHA256()))
        else:
            sig = self.private.sign(msg)
        return {
            "role": "custodian",
            "custodian": self.custodian,
            "credential_id": b64u(self.cred_id),
            "authenticator_data": b64u(auth),
            "client_data_json": b64u(client),
            "signature": b64u(sig),
        }


@dataclass
class HandBuilder:
    """Append entries by hand; :meth:`write` makes the bundle directory."""

    ssh_key: Path  # private key file made by ssh-keygen
    kiosk_id: str = "hand-kiosk-1"
    uv_required: bool = True
    now: dt.datetime = field(default_factory=lambda: dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC))
    lines: list[bytes] = field(default_factory=list)
    hashes: list[str] = field(default_factory=list)
    keys: dict[str, HandKey] = field(default_factory=dict)

    def ts(self) -> str:
        u = self.now
        return u.strftime("%Y-%m-%dT%H:%M:%S.") + f"{u.microsecond // 1000:03d}Z"

    def key(self, custodian: str, alg: int = -7) -> HandKey:
        priv = (
            ec.generate_private_key(ec.SECP256R1())
            if alg == -7
            else ed25519.Ed25519PrivateKey.generate()
        )
        k = HandKey(custodian, alg, hashlib.sha256(custodian.encode()).digest()[:16], priv)
        self.keys[custodian] = k
        return k

    def add(
        self,
        kind: str,
        data: dict[str, Any],
        signers: list[str] = (),  # type: ignore[assignment]
        *,
        minutes: float = 1,
        uv: bool = True,
        up: bool = True,
        bump: int = 1,
        signer_keys: list[HandKey] | None = None,
    ) -> dict[str, Any]:
        self.now += dt.timedelta(minutes=minutes)
        seq = len(self.lines) + 1
        prev = self.hashes[-1] if self.hashes else "0" * 64
        body = {"seq": seq, "ts": self.ts(), "kind": kind, "data": data, "prev": prev}
        digest = sha(canon(body))
        keys = signer_keys if signer_keys is not None else [self.keys[s] for s in signers]
        attest = [k.assert_(digest, uv=uv, up=up, bump=bump) for k in keys]
        h = hashlib.sha256(canon(dict(body, attest=attest))).hexdigest()
        entry = dict(body, attest=attest, hash=h)
        self.lines.append(canon(entry))
        self.hashes.append(h)
        return entry

    def public_line(self) -> str:
        return self.ssh_key.with_suffix(".pub").read_text().split("\n")[0]

    def genesis(self) -> None:
        self.add(
            "journal.genesis",
            {
                "kiosk_id": self.kiosk_id,
                "kiosk_key": self.public_line(),
                "policy_hash": "ab" * 32,
                "uv_required": self.uv_required,
            },
        )

    def enrol_first_two(self, a: str = "alice", b: str = "bob") -> None:
        for who, alg in ((a, -7), (b, -8)):
            k = self.key(who, alg)
            self.add(
                "custodian.enrolled",
                {"custodian": who, "credential": k.credential()},
                signer_keys=[k],
            )

    def write(self, root: Path, *, journal: bytes | None = None) -> Path:
        stamp = self.now.strftime("%Y%m%dT%H%M%SZ")
        d = root / f"sealroom-export-{self.kiosk_id}-{stamp}"
        d.mkdir(parents=True)
        files = {
            "journal.jsonl": journal
            if journal is not None
            else b"".join(x + b"\n" for x in self.lines),
            "report.pdf": b"%PDF-1.4\n% hand-made stand-in report\n%%EOF\n",
            "events.csv": b"seq,ts,kind\n",
            "README.txt": b"Verify with ssh-keygen -Y verify.\n",
        }
        for name, blob in files.items():
            (d / name).write_bytes(blob)
        manifest = {
            "format": "sealroom-export/1",
            "kiosk_id": self.kiosk_id,
            "kiosk_key": self.public_line(),
            "created_at": self.ts(),
            "entries": len(self.lines),
            "genesis": self.hashes[0],
            "head": {"seq": len(self.lines), "hash": self.hashes[-1]},
            "files": {n: hashlib.sha256(b).hexdigest() for n, b in files.items()},
        }
        (d / "manifest.json").write_bytes(canon(manifest))
        subprocess.run(
            [
                "ssh-keygen",
                "-q",
                "-Y",
                "sign",
                "-f",
                str(self.ssh_key),
                "-n",
                "sealroom-export",
                str(d / "manifest.json"),
            ],
            check=True,
            capture_output=True,
        )
        return d


def make_ssh_key(path: Path, comment: str) -> Path:
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", str(path)],
        check=True,
        capture_output=True,
    )
    return path


@pytest.fixture
def ssh_key(tmp_path: Path) -> Path:
    return make_ssh_key(tmp_path / "kiosk_ed25519", "hand-kiosk-1")


@pytest.fixture
def builder(ssh_key: Path) -> HandBuilder:
    b = HandBuilder(ssh_key)
    b.genesis()
    b.enrol_first_two()
    return b


@pytest.fixture
def tools() -> Any:
    """The builder's helpers, for tests (conftest modules are not importable by name)."""
    from types import SimpleNamespace

    return SimpleNamespace(
        canon=canon,
        b64u=b64u,
        HandBuilder=HandBuilder,
        make_ssh_key=make_ssh_key,
        ssh_verify=ssh_verify,
        RP_ID=RP_ID,
    )
