"""What one insider can do with their own key, their PIN and a shell: the attack tools.

Everything goes through files and the real APIs, never through the terminal's
own writer: the insider unwraps the database key from *their own* key slot
(their key's hmac-secret, after their PIN and a touch), opens the SQLCipher
database with it, and inserts rows whose hashes chain correctly. Their
security key signs whatever digest they like; keys they buy themselves
(a second identity) sign too. What they cannot do is make another
custodian's key sign.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from hardware.fido.security_keys import FidoSecurityKeys
from hardware.sim.authenticator import SoftAuthenticator
from hardware.sim.terminal import DEFAULT_PIN, SimPrompts
from kiosk.format.canonical import b64u, b64u_decode, canon
from kiosk.format.clock import format_ts, parse_ts
from kiosk.format.entry import Entry
from kiosk.journal.db import open_database
from kiosk.journal.head import HeadKeeper
from kiosk.journal.keyslots import KeySlots
from kiosk.journal.store import DB_NAME, SLOTS_NAME
from kiosk.journal.witness import Witness

RP_ID = "sealroom.local"
#: The terminal's people: Dana turns insider; Sam and Lee are honest.
PEOPLE = (
    "dana:Dana Whitfield:IT Director",
    "sam:Sam Okafor:Chief Operating Officer",
    "lee:Lee Park:Security Lead",
)
ACCOUNT = {"account": "entra-01", "authorised": ["dana", "sam", "lee"]}


@dataclass
class Signer:
    """A key the insider can touch: theirs, or one they enrolled for a made-up identity."""

    custodian: str
    key: SoftAuthenticator
    credential_id: str  # b64u
    pin: str = DEFAULT_PIN


@dataclass
class Insider:
    """One custodian with their own key and PIN, and a root shell on the terminal."""

    data_dir: Path
    me: Signer
    db_key: bytes = b""
    written: list[int] = field(default_factory=list)
    #: the credentials of the identities the insider made up, by custodian id
    credentials: dict[str, dict[str, Any]] = field(default_factory=dict)

    # -- what the shell gives ----------------------------------------------------------
    def _keys(self, signer: Signer) -> FidoSecurityKeys:
        prompts = SimPrompts()
        prompts.current_pin = signer.pin
        return FidoSecurityKeys(prompts, simulated=[signer.key], usb=False)

    def unwrap(self) -> bytes:
        """The database key, from the insider's own key slot (their PIN and a touch)."""
        slots = KeySlots.load(self.data_dir / SLOTS_NAME)
        salts = dict(slots.fido2_credentials())
        cid, secret = self._keys(self.me).derive_secret(RP_ID, salts, threading.Event())
        self.db_key = slots.open_with_fido2(cid, secret)
        return self.db_key

    def rows(self) -> list[bytes]:
        """Every line in the database, in seq order, as stored."""
        conn = open_database(self.data_dir / DB_NAME, self.db_key or self.unwrap(), create=False)
        try:
            return [bytes(r[0]) for r in conn.execute("SELECT line FROM entries ORDER BY seq")]
        finally:
            conn.close()

    def entries(self) -> list[Entry]:
        return [Entry.from_json(json.loads(line)) for line in self.rows()]

    def last(self) -> Entry:
        return Entry.from_json(json.loads(self.rows()[-1]))

    def kiosk_signing_key(self) -> bytes:
        """The terminal's Ed25519 export key, read from the database (the insider can)."""
        conn = open_database(self.data_dir / DB_NAME, self.db_key or self.unwrap(), create=False)
        try:
            row = conn.execute("SELECT value FROM meta WHERE name = 'kiosk_signing_key'").fetchone()
            return bytes(row[0])
        finally:
            conn.close()

    # -- keys they control -------------------------------------------------------------
    def new_identity(self, custodian: str) -> Signer:
        """A fresh key the insider enrols for a person who does not exist (one touch, a PIN)."""
        key = SoftAuthenticator(label=f"{custodian} (the insider's second key)")
        signer = Signer(custodian, key, "")
        cred = self._keys(signer).enroll(
            RP_ID, custodian.encode(), custodian, custodian.title(), [], threading.Event()
        )
        signer.credential_id = cred["id"]
        self.credentials[custodian] = {
            k: cred[k] for k in ("id", "public_key", "alg", "rp_id") if k in cred
        }
        return signer

    def credential(self, custodian: str) -> dict[str, Any]:
        return dict(self.credentials[custodian])

    def assertion(self, signer: Signer, digest: bytes, role: str) -> dict[str, Any]:
        """``signer``'s real WebAuthn assertion over ``digest`` (a touch and the PIN)."""
        answer = self._keys(signer).approve(
            digest, [b64u_decode(signer.credential_id)], RP_ID, True, threading.Event()
        )
        return {**answer, "role": role, "custodian": signer.custodian}

    # -- rows -------------------------------------------------------------------------
    def write(
        self,
        kind: str,
        data: dict[str, Any],
        signers: Sequence[Signer] = (),
        *,
        forged: Sequence[Callable[[bytes], dict[str, Any]]] = (),
        minutes: int = 1,
    ) -> Entry:
        """Insert the next row: chained (seq, prev, ts), signed by ``signers``, hashed.

        ``forged`` make further attestations from the digest (keys the insider
        does not have: they can only make something that looks like one).
        """
        last = self.last()
        ts = format_ts(parse_ts(last.ts) + dt.timedelta(minutes=minutes))
        body = Entry(last.seq + 1, ts, kind, data, last.hash)
        roles = ("custodian_a", "custodian_b", "custodian_c")
        attest = [self.assertion(s, body.digest, roles[i]) for i, s in enumerate(signers)]
        attest += [make(body.digest) for make in forged]
        entry = Entry(body.seq, body.ts, kind, data, body.prev, tuple(attest)).sealed()
        conn = open_database(self.data_dir / DB_NAME, self.db_key or self.unwrap(), create=False)
        try:
            conn.execute(
                "INSERT INTO entries (seq, line) VALUES (?, ?)", (entry.seq, canon(entry.to_json()))
            )
        finally:
            conn.close()
        # The database key also authenticates the key-slot file: a thorough insider records
        # the new head there too, so that the rollback check (head.py) has nothing to see.
        HeadKeeper.load(self.data_dir / SLOTS_NAME, self.db_key, Witness()).record(
            entry.seq, entry.hash
        )
        self.written.append(entry.seq)
        return entry

    def rewrite(self, seq: int, edit: Callable[[bytes], bytes]) -> None:
        """Change a stored row in place (the triggers that refuse it are dropped first)."""
        conn = open_database(self.data_dir / DB_NAME, self.db_key or self.unwrap(), create=False)
        try:
            conn.execute("DROP TRIGGER IF EXISTS entries_no_update")
            line = bytes(
                conn.execute("SELECT line FROM entries WHERE seq = ?", (seq,)).fetchone()[0]
            )
            conn.execute("UPDATE entries SET line = ? WHERE seq = ?", (edit(line), seq))
        finally:
            conn.close()


def forged_attestation(custodian: str, credential_id: str) -> Callable[[bytes], dict[str, Any]]:
    """An attestation in ``custodian``'s name with their credential id, over the right digest,
    with the right rp id hash and flags: every field well formed, but signed by a key the
    insider made up (they do not have the real one)."""

    def make(digest: bytes) -> dict[str, Any]:
        fake = ec.generate_private_key(ec.SECP256R1())
        auth = hashlib.sha256(RP_ID.encode()).digest() + bytes([0x05]) + (9999).to_bytes(4, "big")
        client = canon(
            {"type": "webauthn.get", "challenge": b64u(digest), "origin": f"https://{RP_ID}"}
        )
        signature = fake.sign(auth + hashlib.sha256(client).digest(), ec.ECDSA(hashes.SHA256()))
        return {
            "role": "custodian_b",
            "custodian": custodian,
            "credential_id": credential_id,
            "authenticator_data": b64u(auth),
            "client_data_json": b64u(client),
            "signature": b64u(signature),
        }

    return make


def bundle(insider: Insider, root: Path) -> Path:
    """The audit bundle the insider can make of the journal as it now is.

    Every file as the export writes it (stand-ins for the report and the CSV),
    the manifest signed with the terminal's own key, which the insider reads
    from the database: the signature proves only that the bundle came from
    someone who could open this journal.
    """
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from kiosk.export.content import manifest_bytes
    from kiosk.verify import sshsig

    lines = insider.rows()
    genesis = json.loads(lines[0])
    last = json.loads(lines[-1])
    kiosk_id, public_line = genesis["data"]["kiosk_id"], genesis["data"]["kiosk_key"]
    created_at = last["ts"]
    stamp = parse_ts(created_at).strftime("%Y%m%dT%H%M%SZ")
    files = {
        "journal.jsonl": b"".join(line + b"\n" for line in lines),
        "report.pdf": b"%PDF-1.4\n% the insider's report\n%%EOF\n",
        "events.csv": b"seq,ts,kind\n",
        "README.txt": b"Verify with sealroom verify.\n",
    }
    manifest = manifest_bytes(
        kiosk_id=kiosk_id,
        kiosk_key=public_line,
        created_at=created_at,
        entries=len(lines),
        genesis=genesis["hash"],
        head_hash=last["hash"],
        files=files,
    )
    signing = Ed25519PrivateKey.from_private_bytes(insider.kiosk_signing_key())
    files["manifest.json"] = manifest
    files["manifest.json.sig"] = sshsig.sign(
        manifest, "sealroom-export", sshsig.parse_public_key(public_line), signing.sign
    )
    out = root / f"sealroom-export-{kiosk_id}-{stamp}"
    out.mkdir(parents=True)
    for name, blob in files.items():
        (out / name).write_bytes(blob)
    return out
