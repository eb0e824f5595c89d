"""The key-slot file: the database key, wrapped once per way of unlocking.

The journal's SQLCipher key is 256 random bits that nobody ever types. It is
stored only wrapped (AES-256-GCM) in ``keyslots.json`` next to the database,
once per *slot*:

* ``passphrase`` — the recovery passphrase printed at commissioning and
  sealed in the safe, stretched with Argon2id (memory-hard);
* ``fido2-hmac-secret`` — one per enrolled security-key credential, wrapped
  with a key derived (HKDF-SHA-256) from the credential's hmac-secret output
  for a per-slot salt; so any one custodian's touch + PIN unlocks, and losing
  a key loses nothing.

Invariants:

* every slot's header (kind, id, KDF parameters, salts, journal id) is the
  AES-GCM associated data, so a slot cannot be edited or moved to another
  journal without failing authentication;
* the whole file — every slot and field, the list of slot ids, the journal
  head and the TPM binding — is authenticated by an HMAC-SHA-256 ``mac``
  with a key derived (HKDF) from the database key: checked at every unlock
  (:meth:`KeySlots.authenticate`) once a slot gave the database key, so a
  slot removed, added or edited, or a file restored from another terminal,
  is refused. Only a holder of the database key can write a valid file, and
  the terminal writes it only through the open journal (``head.py``);
* the file records the journal head (seq, hash) after every write, with the
  TPM counter's value when the journal is bound to one (``head.py`` checks
  them at unlock), and the ids of its slots, so that a slot removed is named;
* the recovery passphrase slot is always there: a file without it is refused;
* the file carries a SHA-256 ``check`` of its content, so accidental damage
  is told apart from a wrong passphrase;
* the file is replaced atomically (temporary file, fsync, rename, fsync of
  the directory): a crash leaves the old or the new file, never half of one;
* a failed unlock changes nothing on disk.
"""

from __future__ import annotations

import json
import secrets
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import constant_time, hashes, hmac
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from kiosk.errors import KeySlotError
from kiosk.format.canonical import H, b64u, b64u_decode, canon
from kiosk.journal.durable import atomic_write

FORMAT = "sealroom-keyslots/2"
#: Formats before the file was authenticated: refused (no journal exists from
#: before the first release; re-commission such a terminal).
OLD_FORMATS = ("sealroom-keyslots/1",)
RECOVERY_ID = "recovery"
KIND_PASSPHRASE = "passphrase"  # noqa: S105 - a slot kind, not a secret
KIND_FIDO2 = "fido2-hmac-secret"

# Recovery passphrases: 8 groups of 4 from 25 unambiguous symbols (~148 bits).
PASSPHRASE_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY3479"  # noqa: S105 - the alphabet only
PASSPHRASE_GROUPS = 8
PASSPHRASE_GROUP_LEN = 4


@dataclass(frozen=True)
class Argon2Params:
    """Argon2id cost. The default takes about a second on the terminal."""

    memory_kib: int = 262144
    iterations: int = 3
    lanes: int = 4

    def to_json(self) -> dict[str, int]:
        return {"memory_kib": self.memory_kib, "iterations": self.iterations, "lanes": self.lanes}


FAST_TEST_PARAMS = Argon2Params(memory_kib=8192, iterations=1, lanes=1)


def new_database_key() -> bytes:
    return secrets.token_bytes(32)


def generate_passphrase() -> str:
    """A recovery passphrase, grouped for reading aloud and typing."""
    groups = [
        "".join(secrets.choice(PASSPHRASE_ALPHABET) for _ in range(PASSPHRASE_GROUP_LEN))
        for _ in range(PASSPHRASE_GROUPS)
    ]
    return "-".join(groups)


def normalise_passphrase(text: str) -> bytes:
    """Spaces, dashes and case do not matter; look-alikes are not in the alphabet."""
    folded = unicodedata.normalize("NFKC", text).upper()
    return "".join(c for c in folded if c not in " -\t\n").encode("utf-8")


def _argon(params: Argon2Params, salt: bytes, passphrase: bytes) -> bytes:
    return Argon2id(
        salt=salt,
        length=32,
        iterations=params.iterations,
        lanes=params.lanes,
        memory_cost=params.memory_kib,
    ).derive(passphrase)


def derive_key(secret: bytes, purpose: str, bound_to: str) -> bytes:
    """A 256-bit key for one purpose, derived from ``secret`` and bound to ``bound_to``.

    HKDF-SHA256 with the info ``sealroom <purpose>|<bound_to>``: every key the
    journal's files use (slot wrapping, the key-slot file's MAC, backups,
    intents) comes from here, so no two purposes can ever share a key and
    none is the database key itself.
    """
    return HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=None,
        info=f"sealroom {purpose}|".encode() + bound_to.encode(),
    ).derive(secret)


def _hkdf(secret: bytes, slot_id: str) -> bytes:
    return derive_key(secret, "keyslot", slot_id)


def _aad(journal_id: str, header: Mapping[str, Any]) -> bytes:
    return canon({"format": FORMAT, "journal_id": journal_id, "slot": dict(header)})


def mac_key(db_key: bytes, journal_id: str) -> bytes:
    """The key that authenticates the whole file, derived from the database key.

    Derived, not the database key itself, so the MAC can never leak the
    database key; bound to the journal id, so a file from another terminal
    (even one keyed alike) does not verify.
    """
    return derive_key(db_key, "keyslots mac", journal_id)


def _mac(key: bytes, body: Mapping[str, Any]) -> str:
    h = hmac.HMAC(key, hashes.SHA256())
    h.update(canon(dict(body)))
    return h.finalize().hex()


def slot_label(slot_id: str) -> str:
    """A short name for a slot in a message (a credential id is long)."""
    if slot_id == RECOVERY_ID:
        return "the recovery passphrase slot"
    if slot_id.startswith("fido2:"):
        return f"the security-key slot of credential {slot_id[6:22]}…"
    return f"slot '{slot_id[:40]}'"


@dataclass(frozen=True)
class RecordedHead:
    """The journal head as the key-slot file last recorded it.

    ``counter`` is the TPM counter's value recorded with it (journals bound
    to a TPM); ``pending`` names an entry about to be written that changes
    the key slots (an enrolment or revocation), recorded *before* it is
    written, so that a key-slot file older than such an entry is told apart
    from a crash between the entry and the file's update (see ``head.py``).
    """

    seq: int = 0
    hash: str = ""
    counter: int | None = None
    pending: tuple[int, str] | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"seq": self.seq, "hash": self.hash}
        if self.counter is not None:
            out["counter"] = self.counter
        if self.pending is not None:
            out["pending"] = {"seq": self.pending[0], "hash": self.pending[1]}
        return out

    @staticmethod
    def from_json(obj: Any) -> RecordedHead:
        def bad() -> KeySlotError:
            return KeySlotError("keyslot.damaged", reason="its journal head is not well formed")

        def count(v: Any) -> int:
            if not isinstance(v, int) or isinstance(v, bool) or v < 0:
                raise bad()
            return v

        if not isinstance(obj, dict) or not isinstance(obj.get("hash"), str):
            raise bad()
        counter = None if obj.get("counter") is None else count(obj["counter"])
        pending = None
        if obj.get("pending") is not None:
            p = obj["pending"]
            if not isinstance(p, dict) or not isinstance(p.get("hash"), str):
                raise bad()
            pending = (count(p.get("seq")), p["hash"])
        return RecordedHead(count(obj.get("seq")), obj["hash"], counter, pending)


@dataclass
class KeySlots:
    """An in-memory key-slot file. Mutations are saved with :meth:`save`.

    A file read from disk can be saved only after :meth:`authenticate`
    checked it with the database key (which also gives the MAC key).
    """

    path: Path
    journal_id: str
    slots: list[dict[str, Any]]
    head: RecordedHead = field(default_factory=RecordedHead)
    #: the TPM NV index the journal is bound to (``None``: not bound)
    tpm_index: int | None = None
    _mac_key: bytes | None = field(default=None, repr=False, compare=False)
    _file_mac: str = field(default="", repr=False, compare=False)
    #: the file's content as read, but its MAC and checksum (what the MAC covers)
    _file_body: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    # ------------------------------------------------------------------ io
    @staticmethod
    def create(path: Path, journal_id: str, db_key: bytes) -> KeySlots:
        """A new, empty file for a new journal (commissioning)."""
        return KeySlots(path, journal_id, [], _mac_key=mac_key(db_key, journal_id))

    @staticmethod
    def load(path: Path) -> KeySlots:
        try:
            raw = path.read_bytes()
        except FileNotFoundError as exc:
            raise KeySlotError("keyslot.missing", path=str(path)) from exc
        except OSError as exc:
            raise KeySlotError("keyslot.damaged", reason=exc.strerror or "unreadable") from exc
        try:
            doc = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            raise KeySlotError("keyslot.damaged", reason="it is not valid JSON") from exc
        if isinstance(doc, dict) and doc.get("format") in OLD_FORMATS:
            raise KeySlotError("rollback.old_format", format=doc["format"])
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise KeySlotError("keyslot.damaged", reason="it is not a Sealroom key-slot file")
        slots = doc.get("slots")
        journal_id = doc.get("journal_id")
        if not isinstance(slots, list) or not isinstance(journal_id, str) or not slots:
            raise KeySlotError("keyslot.damaged", reason="it holds no slots")
        for s in slots:
            if not isinstance(s, dict) or not {"id", "kind", "nonce", "ciphertext"} <= s.keys():
                raise KeySlotError("keyslot.damaged", reason="a slot is incomplete")
        _check_slot_list(slots, doc.get("slot_ids"))
        check = doc.pop("check", None)
        try:
            ok = check == H(canon(doc))
        except ValueError:
            ok = False
        if not ok:
            raise KeySlotError("keyslot.damaged", reason="its checksum does not match its content")
        tpm = doc.get("tpm")
        index = tpm.get("nv_index") if isinstance(tpm, dict) else None
        if tpm is not None and (not isinstance(index, int) or isinstance(index, bool)):
            raise KeySlotError("keyslot.damaged", reason="its TPM binding is not well formed")
        mac = doc.pop("mac", None)
        if not isinstance(mac, str):
            raise KeySlotError("keyslot.damaged", reason="it has no authentication code")
        head = RecordedHead.from_json(doc.get("head"))
        return KeySlots(path, journal_id, slots, head, index, _file_mac=mac, _file_body=doc)

    def _body(self) -> dict[str, Any]:
        """Everything the MAC covers: the whole file but the MAC and the checksum."""
        body: dict[str, Any] = {
            "format": FORMAT,
            "journal_id": self.journal_id,
            "slots": self.slots,
            "slot_ids": [str(s["id"]) for s in self.slots],
            "head": self.head.to_json(),
        }
        if self.tpm_index is not None:
            body["tpm"] = {"nv_index": self.tpm_index}
        return body

    def authenticate(self, db_key: bytes) -> None:
        """Check the whole file's MAC with the database key a slot gave; keep the MAC key.

        Raises ``rollback.slots_edited`` when the file was changed by anyone
        but the terminal (a slot removed or added is named earlier, at
        :meth:`load`, from the authenticated list of slot ids).
        """
        key = mac_key(db_key, self.journal_id)
        expected = _mac(key, self._file_body)  # every field of the file, known or not
        if not constant_time.bytes_eq(expected.encode(), self._file_mac.encode()):
            raise KeySlotError("rollback.slots_edited")
        if self._file_body != self._body():  # a field the terminal never writes
            raise KeySlotError("rollback.slots_edited")
        self._mac_key = key

    def to_bytes(self) -> bytes:
        if self._mac_key is None:
            raise KeySlotError("internal")  # a defect: only an authenticated file is saved
        doc = self._body()
        doc["mac"] = _mac(self._mac_key, doc)
        doc["check"] = H(canon(doc))
        return canon(doc) + b"\n"

    def save(self) -> None:
        atomic_write(self.path, self.to_bytes(), mode=0o600)

    def copy(self) -> KeySlots:
        """An independent copy (changed, then saved, then taken: a failed save changes nothing)."""
        return KeySlots(
            self.path,
            self.journal_id,
            [dict(s) for s in self.slots],
            self.head,
            self.tpm_index,
            self._mac_key,
            self._file_mac,
            self._file_body,
        )

    # --------------------------------------------------------------- slots
    def _seal(self, header: dict[str, Any], wrapping_key: bytes, db_key: bytes) -> None:
        nonce = secrets.token_bytes(12)
        ct = AESGCM(wrapping_key).encrypt(nonce, db_key, _aad(self.journal_id, header))
        slot = dict(header, nonce=b64u(nonce), ciphertext=b64u(ct))
        self.slots = [s for s in self.slots if s.get("id") != header["id"]] + [slot]

    def _open(self, slot: Mapping[str, Any], wrapping_key: bytes) -> bytes:
        header = {k: v for k, v in slot.items() if k not in ("nonce", "ciphertext")}
        try:
            nonce = b64u_decode(slot["nonce"])
            ct = b64u_decode(slot["ciphertext"])
        except (ValueError, TypeError) as exc:
            raise KeySlotError("keyslot.damaged", reason="a slot is not well formed") from exc
        return AESGCM(wrapping_key).decrypt(nonce, ct, _aad(self.journal_id, header))

    def add_passphrase(
        self, db_key: bytes, passphrase: str, params: Argon2Params | None = None
    ) -> None:
        p = params or Argon2Params()
        salt = secrets.token_bytes(16)
        header = {
            "id": RECOVERY_ID,
            "kind": KIND_PASSPHRASE,
            "kdf": dict(p.to_json(), name="argon2id", salt=b64u(salt)),
        }
        self._seal(header, _argon(p, salt, normalise_passphrase(passphrase)), db_key)

    def open_with_passphrase(self, passphrase: str) -> bytes:
        slot = next((s for s in self.slots if s.get("kind") == KIND_PASSPHRASE), None)
        if slot is None:
            raise KeySlotError("keyslot.no_slot", kind=KIND_PASSPHRASE)
        kdf = slot.get("kdf")
        try:
            if not isinstance(kdf, dict) or kdf.get("name") != "argon2id":
                raise ValueError("unknown KDF")
            params = Argon2Params(int(kdf["memory_kib"]), int(kdf["iterations"]), int(kdf["lanes"]))
            salt = b64u_decode(kdf["salt"])
        except (KeyError, TypeError, ValueError) as exc:
            raise KeySlotError(
                "keyslot.damaged", reason="the passphrase slot is not well formed"
            ) from exc
        try:
            return self._open(slot, _argon(params, salt, normalise_passphrase(passphrase)))
        except InvalidTag as exc:
            raise KeySlotError("keyslot.wrong_passphrase") from exc

    def fido2_salt(self, credential_id: bytes) -> bytes | None:
        slot = self.fido2_slot(credential_id)
        return b64u_decode(slot["salt"]) if slot else None

    def fido2_slot(self, credential_id: bytes) -> dict[str, Any] | None:
        cid = b64u(credential_id)
        return next(
            (
                s
                for s in self.slots
                if s.get("kind") == KIND_FIDO2 and s.get("credential_id") == cid
            ),
            None,
        )

    def fido2_credentials(self) -> list[tuple[bytes, bytes]]:
        """(credential id, hmac-secret salt) of every security-key slot."""
        out = []
        for s in self.slots:
            if s.get("kind") == KIND_FIDO2:
                try:
                    out.append((b64u_decode(s["credential_id"]), b64u_decode(s["salt"])))
                except (KeyError, TypeError, ValueError) as exc:
                    raise KeySlotError(
                        "keyslot.damaged", reason="a key slot is not well formed"
                    ) from exc
        return out

    @staticmethod
    def new_fido2_salt() -> bytes:
        return secrets.token_bytes(32)

    def add_fido2(
        self, db_key: bytes, credential_id: bytes, rp_id: str, salt: bytes, secret: bytes
    ) -> None:
        """Wrap the key with a credential's hmac-secret output for ``salt``."""
        slot_id = "fido2:" + b64u(credential_id)
        header = {
            "id": slot_id,
            "kind": KIND_FIDO2,
            "credential_id": b64u(credential_id),
            "rp_id": rp_id,
            "salt": b64u(salt),
        }
        self._seal(header, _hkdf(secret, slot_id), db_key)

    def open_with_fido2(self, credential_id: bytes, secret: bytes) -> bytes:
        slot = self.fido2_slot(credential_id)
        if slot is None:
            raise KeySlotError("keyslot.no_slot", kind=KIND_FIDO2)
        try:
            return self._open(slot, _hkdf(secret, str(slot["id"])))
        except InvalidTag as exc:
            raise KeySlotError("keyslot.fido2_mismatch") from exc

    def remove_fido2(self, credential_id: bytes) -> None:
        cid = b64u(credential_id)
        remaining = [s for s in self.slots if s.get("credential_id") != cid]
        if not any(s.get("kind") == KIND_PASSPHRASE for s in remaining):
            raise KeySlotError("keyslot.last_slot")
        self.slots = remaining


def _check_slot_list(slots: list[dict[str, Any]], listed: Any) -> None:
    """Name a slot removed or added behind the terminal's back, or a missing recovery slot.

    Checked before anything else, from the file's own list of slot ids (which
    the MAC covers): a precise message for the likeliest edits, even when the
    editor also fixed the checksum.
    """
    present = [str(s.get("id")) for s in slots]
    if not any(s.get("id") == RECOVERY_ID and s.get("kind") == KIND_PASSPHRASE for s in slots):
        raise KeySlotError("rollback.recovery_removed")
    if not isinstance(listed, list) or not all(isinstance(i, str) for i in listed):
        raise KeySlotError("keyslot.damaged", reason="its list of slots is missing")
    removed = [i for i in listed if i not in present]
    if removed:
        raise KeySlotError("rollback.slot_removed", slot=slot_label(removed[0]))
    added = [i for i in present if i not in listed]
    if added or len(present) != len(listed):
        raise KeySlotError("rollback.slot_added", slot=slot_label(added[0] if added else "?"))


def wipe(buf: bytearray) -> None:
    """Overwrite a mutable key buffer (best effort in Python)."""
    for i in range(len(buf)):
        buf[i] = 0


__all__ = [
    "FAST_TEST_PARAMS",
    "Argon2Params",
    "KeySlots",
    "RecordedHead",
    "generate_passphrase",
    "mac_key",
    "new_database_key",
    "normalise_passphrase",
]
