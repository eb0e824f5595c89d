"""Journal entries exactly as ``spec/export-format.md`` sections 2-3 define them.

Invariants (every function here keeps them):

* an entry's line is ``canon(entry)`` where entry has the seven fields
  ``attest, data, hash, kind, prev, seq, ts``;
* ``digest = SHA-256(canon({seq, ts, kind, data, prev}))`` — what security
  keys sign (the WebAuthn challenge);
* ``hash = H(canon({seq, ts, kind, data, prev, attest}))`` — so the chain
  covers the signatures, and each signature is bound to its position;
* ``prev`` of seq 1 is 64 zeros; of seq n it is the ``hash`` of seq n-1;
* ``seq`` runs 1, 2, 3… with no gap; ``ts`` never decreases.

:func:`check_chain` is the one implementation of those checks. The journal's
own ``verify()`` and the auditors' bundle verifier both call it, so the
terminal can never accept a chain the auditors would reject.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Annotated, Any, Generic, TypeVar

import msgspec

from kiosk.canonical import MAX_SAFE_INT, canon
from kiosk.clock import is_ts

GENESIS_PREV = "0" * 64
ENTRY_FIELDS = frozenset({"seq", "ts", "kind", "data", "prev", "attest", "hash"})


def is_hex64(value: object) -> bool:
    return isinstance(value, str) and _HEX64.fullmatch(value) is not None


def body_of(seq: int, ts: str, kind: str, data: dict[str, Any], prev: str) -> dict[str, Any]:
    return {"seq": seq, "ts": ts, "kind": kind, "data": data, "prev": prev}


def digest_of(body: dict[str, Any]) -> bytes:
    """The 32 bytes a custodian's key signs for this entry."""
    return hashlib.sha256(canon(body)).digest()


@dataclass(frozen=True)
class Entry:
    seq: int
    ts: str
    kind: str
    data: dict[str, Any]
    prev: str
    attest: tuple[dict[str, Any], ...] = field(default_factory=tuple)
    hash: str = ""

    @property
    def body(self) -> dict[str, Any]:
        return body_of(self.seq, self.ts, self.kind, self.data, self.prev)

    @property
    def digest(self) -> bytes:
        return digest_of(self.body)

    def computed_hash(self) -> str:
        obj = dict(self.body, attest=list(self.attest))
        return hashlib.sha256(canon(obj)).hexdigest()

    def sealed(self) -> Entry:
        """This entry with its ``hash`` field filled in."""
        return Entry(
            self.seq, self.ts, self.kind, self.data, self.prev, self.attest, self.computed_hash()
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "ts": self.ts,
            "kind": self.kind,
            "data": self.data,
            "prev": self.prev,
            "attest": list(self.attest),
            "hash": self.hash,
        }

    def line(self) -> bytes:
        """``canon(entry)`` without the trailing newline."""
        return canon(self.to_json())

    @staticmethod
    def from_json(obj: dict[str, Any]) -> Entry:
        return Entry(
            obj["seq"],
            obj["ts"],
            obj["kind"],
            obj["data"],
            obj["prev"],
            tuple(obj["attest"]),
            obj["hash"],
        )


@dataclass(frozen=True)
class ChainProblem:
    """The first thing wrong with a chain: which entry (seq or line number) and what."""

    seq: int
    line: int
    reason: str


@dataclass
class ChainResult:
    """How far a chain checked out: its last good seq, hash and ts, or its first problem.

    ``head_ts`` (the ts of the last good entry) lets a caller that checked a
    chain in pieces join them: the next piece's first ts must not be earlier.
    """

    entries: int = 0
    head_hash: str = GENESIS_PREV
    problem: ChainProblem | None = None
    head_ts: str = ""

    @property
    def ok(self) -> bool:
        return self.problem is None


def _no_floats(text: str) -> Any:
    raise ValueError(f"number {text} is not an integer")


# msgspec is used for speed only: it decodes, refusing floats, and re-encodes
# with sorted keys. Where its output could differ from the spec's Python
# definition (non-ASCII text, backslash escapes, possibly-huge integers) the
# line is re-encoded with ``json.dumps`` exactly as the spec writes it, so the
# verdict is always the spec's.
_DECODER = msgspec.json.Decoder(float_hook=_no_floats)
_ENCODER = msgspec.json.Encoder(order="sorted")
# Number tokens in canonical JSON start right after ':', '[' or ',' (maybe
# with '-'). Mapping those four bytes to 'c' and digits to '0' turns "is
# there a number of 16 or more digits?" into one substring search: a
# negative number "-ddd..." maps to "cc000...", which holds "c" + 16 zeros
# just like a positive one. Strings that happen to contain such text only
# send the line down the exact (slower) path.
_NUMBER_MAP = bytes(48 if 48 <= i <= 57 else 99 if i in b":[,-" else 120 for i in range(256))
_LONG_NUMBER = b"c" + b"0" * 16
_HEX64 = re.compile(r"[0-9a-f]{64}")


def _may_hold_long_number(raw: bytes) -> bool:
    """True if a number token of 16+ digits may exist (so may exceed 2**53)."""
    return _LONG_NUMBER in raw.translate(_NUMBER_MAP)


def _decode(raw: bytes) -> Any:
    return _DECODER.decode(raw)


def _is_canonical(obj: dict[str, Any], raw: bytes) -> bool | str:
    if raw.isascii() and b"\\" not in raw and not _may_hold_long_number(raw):
        return _ENCODER.encode(obj) == raw
    try:
        return canon(obj) == raw
    except ValueError as exc:
        return f"holds a value outside canonical JSON ({exc})"


def check_line(raw: bytes, expect_seq: int, prev_hash: str, prev_ts: str | None) -> Entry | str:
    """Parse and check one line; return the entry, or the reason it is bad.

    The line must be canonical: parsing then re-encoding gives the same bytes.
    Hashes are computed from slices of the canonical bytes (the spec's field
    order is fixed by sorted keys), which is why verification is fast.
    """
    if type(raw) is not bytes:
        # A journal row rewritten as text or a number (lines are stored as BLOBs).
        return f"is stored as {type(raw).__name__}, not as the bytes of a line"
    try:
        obj = _decode(raw)
    except (msgspec.DecodeError, ValueError) as exc:
        return f"is not valid JSON or holds a non-integer number ({exc})"
    if not isinstance(obj, dict):
        return "is not a JSON object"
    if obj.keys() != ENTRY_FIELDS:
        missing = sorted(ENTRY_FIELDS - obj.keys())
        extra = sorted(obj.keys() - ENTRY_FIELDS)
        return f"has the wrong fields (missing {missing}, unexpected {extra})"
    seq, ts, kind, data, prev, attest, hsh = (
        obj["seq"],
        obj["ts"],
        obj["kind"],
        obj["data"],
        obj["prev"],
        obj["attest"],
        obj["hash"],
    )
    if type(seq) is not int:
        return "has a seq that is not an integer"
    if seq != expect_seq:
        return f"has seq {seq} where {expect_seq} was expected (gap or repeat)"
    if not is_ts(ts):
        return f"has a malformed ts {ts!r}"
    if not isinstance(kind, str) or not kind:
        return "has no kind"
    if not isinstance(data, dict):
        return "has data that is not an object"
    if not isinstance(attest, list) or not all(isinstance(a, dict) for a in attest):
        return "has attest that is not a list of objects"
    if not is_hex64(prev) or not is_hex64(hsh):
        return "has a prev or hash that is not 64 lower-case hex digits"
    canonical = _is_canonical(obj, raw)
    if isinstance(canonical, str):
        return canonical
    if not canonical:
        return "is not in canonical form"
    if prev != prev_hash:
        return "does not chain: prev is not the hash of the entry before"
    if prev_ts is not None and ts < prev_ts:
        return f"has ts {ts} earlier than the entry before ({prev_ts})"
    # canon(entry) = {"attest":A,"data":D,"hash":"H",<tail>}; the hashed object is
    # the same bytes without the hash member.
    # In canonical bytes nothing after the top-level hash member (kind, prev,
    # seq, ts) can contain this marker, so the last occurrence is the one.
    marker = b',"hash":"' + hsh.encode("ascii") + b'",'
    cut = raw.rfind(marker)
    if cut < 0:
        return "is not in canonical form"
    hashed = raw[:cut] + b"," + raw[cut + len(marker) :]
    if hashlib.sha256(hashed).hexdigest() != hsh:
        return "has a hash that does not match its content"
    return Entry(seq, ts, kind, data, prev, tuple(attest), hsh)


class _Attestation(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    """An attestation's shape in spec section 4, fields in sorted order."""

    authenticator_data: str
    client_data_json: str
    credential_id: str
    custodian: str
    role: str
    signature: str


_A = TypeVar("_A")

# The values the fast path decodes into ``data`` (and attestation dicts):
# JSON scalars with integers inside the spec's range (|n| < 2**53, checked
# by msgspec in C as it decodes), nested at most three containers deep. A
# float, a larger integer or deeper nesting fails the decoder, and the batch
# goes line by line, which names the problem or accepts what the spec does.
_SafeInt = Annotated[int, msgspec.Meta(ge=-(MAX_SAFE_INT - 1), le=MAX_SAFE_INT - 1)]
_V0 = str | bool | None | _SafeInt
_V1 = _V0 | list[_V0] | dict[str, _V0]
_V2 = _V0 | list[_V1] | dict[str, _V1]
_V3 = _V0 | list[_V2] | dict[str, _V2]


class _Line(msgspec.Struct, Generic[_A], forbid_unknown_fields=True, gc=False):
    """The shape of one entry, checked by msgspec in C (fast path only).

    Fields are declared in sorted order so that encoding a struct gives the
    same bytes as ``canon`` of the entry. ``gc=False``: a _Line only holds
    decoded JSON (which never refers back to it), so it can never be part of
    a reference cycle and the cyclic collector need not track it.

    Attestations are decoded as dicts when an ``on_entry`` callback will see
    them, and as :class:`_Attestation` structs on a bare chain check, which
    never looks inside them: msgspec makes a struct with known field names
    faster than a dict (it allocates no key strings), measured at a fifth of
    the decoding time on attested entries. An attestation of any other
    shape fails the struct decoder, and its batch goes line by line, which
    accepts what the spec accepts.
    """

    attest: list[_A]
    data: dict[str, _V3]
    hash: str
    kind: Annotated[str, msgspec.Meta(min_length=1)]
    prev: str
    seq: int
    ts: str


_BATCH_DECODER = msgspec.json.Decoder(list[_Line[dict[str, _V3]]])
_CHAIN_DECODER = msgspec.json.Decoder(list[_Line[_Attestation]])
_BATCH = 512
# Checking a batch's ts shapes at once: with every ASCII digit mapped to '0',
# the ts values, each followed by a newline, must read as this pattern
# repeated. The batch is known to be ASCII here and a decoded string cannot
# hold a raw newline, so each value is exactly one 24-character stamp (the
# same strings ``is_ts`` accepts, apart from its allowance for a final "\n").
_DIGITS_TO_ZERO = bytes(48 if 48 <= i <= 57 else i for i in range(256))
_TS_SHAPE = b"0000-00-00T00:00:00.000Z\n"


def _fast_batch(
    lines: list[bytes], decoder: msgspec.json.Decoder[Any] = _BATCH_DECODER
) -> list[Any] | None:
    """Decode and canonicity-check a batch at once, or None to go line by line.

    Only batches that are pure ASCII without escapes, and that the typed
    decoder accepts (integers in the spec's range, no floats, shallow
    nesting: see ``_V3``), qualify: there msgspec's encoding provably equals
    ``json.dumps``'s (same separators, same key order, same integer form).
    Anything else takes the exact per-line path.
    """
    # One copy of the batch: brackets glued to the first and last lines (a
    # bracket concatenated onto the joined batch would copy it twice more).
    parts = list(lines)
    try:
        parts[0] = b"[" + parts[0]
        parts[-1] = parts[-1] + b"]"
        blob = b",".join(parts)
    except TypeError:  # a value that is not bytes: check_line names it
        return None
    if not blob.isascii() or b"\\" in blob:
        return None
    try:
        parsed: list[Any] = decoder.decode(blob)
    except (msgspec.DecodeError, ValueError):
        return None
    if len(parsed) != len(lines):  # a line holding more (or less) than one entry
        return None
    if _ENCODER.encode(parsed) != blob:
        return None
    # hash and prev need no shape check here: each is compared with a
    # computed SHA-256 hex digest. ts shapes are checked for the whole batch at once.
    stamps = "".join([item.ts + "\n" for item in parsed]).encode("ascii")
    if stamps.translate(_DIGITS_TO_ZERO) != _TS_SHAPE * len(parsed):
        return None
    return parsed


def check_chain(
    lines: Iterable[bytes],
    on_entry: Any = None,
    start_seq: int = 1,
    *,
    prev_hash: str = GENESIS_PREV,
    prev_ts: str = "",
) -> ChainResult:
    """Check a whole chain from ``start_seq`` (1 for a full journal).

    ``on_entry(entry)`` is called for each good entry (e.g. to build the
    projection or check attestations); if it returns a string, that string is
    reported as the problem with that entry and checking stops.

    ``prev_hash`` and ``prev_ts`` are the hash and ts of the entry before the
    first line (the genesis values by default). Giving the values an earlier
    check ended with resumes that check exactly: the verdict on the rest is
    the one a single pass would give. Problem ``line`` numbers count from the
    first line given.

    Lines are taken in batches: a batch that passes the fast shape and
    canonicity check is chained with a few comparisons and one SHA-256 per
    line; any other batch is checked line by line by :func:`check_line`,
    which also names the exact problem.

    The cyclic garbage collector is paused meanwhile (see :func:`_gc_paused`).
    """
    with _gc_paused():
        return _check_chain(lines, on_entry, start_seq, prev_hash, prev_ts)


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for a chain check.

    A check allocates millions of short-lived containers (the decoded
    entries) that reference counting frees; each allocation burst would
    otherwise trigger collections that scan them (and, in a long-running
    process, its whole heap) for cycles that do not exist: measured at about
    a third of the check's time. Memory is still freed by reference
    counting; only cycle detection waits until the check ends. Collection
    is switched back on only if it was on (another thread pausing it at the
    same time can, at worst, see it switched on early: slower, never wrong).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _check_chain(
    lines: Iterable[bytes], on_entry: Any, start_seq: int, prev_hash: str, prev_ts: str
) -> ChainResult:
    result = ChainResult(entries=start_seq - 1, head_hash=prev_hash, head_ts=prev_ts)
    no = 0
    it = iter(lines)
    decoder = _CHAIN_DECODER if on_entry is None else _BATCH_DECODER
    while True:
        batch = list(itertools.islice(it, _BATCH))
        if not batch:
            return result
        parsed = _fast_batch(batch, decoder)
        if parsed is not None and not _batch_chains(
            parsed, batch, start_seq + no, prev_hash, prev_ts
        ):
            parsed = None  # something is wrong in this batch: the exact path names it
        if parsed is None:
            for raw in batch:
                no += 1
                expect = start_seq + no - 1
                checked = check_line(raw, expect, prev_hash, prev_ts or None)
                if isinstance(checked, str):
                    result.problem = ChainProblem(expect, no, checked)
                    return result
                if on_entry is not None:
                    complaint = on_entry(checked)
                    if isinstance(complaint, str):
                        result.problem = ChainProblem(expect, no, complaint)
                        return result
                prev_hash, prev_ts = checked.hash, checked.ts
                result.entries, result.head_hash, result.head_ts = expect, prev_hash, prev_ts
            continue
        if on_entry is not None:
            for item in parsed:
                no += 1
                entry = Entry(
                    item.seq,
                    item.ts,
                    item.kind,
                    item.data,
                    item.prev,
                    tuple(item.attest),
                    item.hash,
                )
                complaint = on_entry(entry)
                if isinstance(complaint, str):
                    result.problem = ChainProblem(entry.seq, no, complaint)
                    return result
        else:
            no += len(parsed)
        last = parsed[-1]
        prev_hash, prev_ts = last.hash, last.ts
        result.entries, result.head_hash, result.head_ts = last.seq, last.hash, last.ts


_HASH_MEMBER = b',"hash":"'
_HASH_MEMBER_LEN = len(_HASH_MEMBER) + 64 + 1


def _batch_chains(
    parsed: list[Any], lines: list[bytes], first_seq: int, prev_hash: str, prev_ts: str
) -> bool:
    """Seq, prev, ts order and hash of a whole batch, with list-level operations.

    Each check compares whole lists in C; only the hashing visits entries one
    by one. The lines are known canonical here, so the top-level hash member
    is the last ``,"hash":"`` in each line (nothing after it — kind, prev,
    seq, ts — can contain that text) and removing it gives exactly the bytes
    the spec hashes. Any failure returns False and the caller re-checks line
    by line, which names the problem.
    """
    n = len(parsed)
    hashes = [item.hash for item in parsed]
    if [item.seq for item in parsed] != list(range(first_seq, first_seq + n)):
        return False
    if [item.prev for item in parsed] != [prev_hash, *hashes[:-1]]:
        return False
    stamps = [item.ts for item in parsed]
    if stamps[0] < prev_ts or stamps != sorted(stamps):
        return False
    sha256, member, k = hashlib.sha256, _HASH_MEMBER, _HASH_MEMBER_LEN
    for raw, expected in zip(lines, hashes, strict=True):
        cut = raw.rfind(member)
        if cut < 0:
            return False
        # The hashed bytes are the line without its hash member: hashed in
        # two parts rather than joined into a third copy.
        digest = sha256(raw[:cut])
        digest.update(raw[cut + k :])
        if digest.hexdigest() != expected:
            return False
    return True


def iter_jsonl(blob: bytes) -> Iterator[bytes]:
    """Lines of a ``journal.jsonl`` file; every line must end with ``\\n``."""
    if not blob:
        return
    if not blob.endswith(b"\n"):
        raise ValueError("the last line does not end with a newline (truncated file?)")
    yield from blob[:-1].split(b"\n")
