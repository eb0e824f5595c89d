"""Journal entries in plain words, for readers who never saw the terminal (events.csv, report.pdf).

An auditor opening ``events.csv`` in a spreadsheet, or reading
``report.pdf``, should meet people by name, accounts with their system and
each entry's payload as sentences, not JSON and bare ids. The journal
(``journal.jsonl``, and the CSV's last column) stays the exact record; this
module only says it plainly.

Invariants:

* People are named as "Name (id)" wherever the journal enrolled a name for
  the id (``custodian.enrolled``), accounts as "id (system)" wherever it
  registered one (``account.registered``); an id the journal never named is
  shown as it is.
* What :func:`details` writes holds no JSON: no ``{``, ``}``, ``[`` or
  ``]`` from the payload's structure (nested objects become "key: value"
  lists in parentheses); a ``{`` typed by a person inside a text value is
  written as ``(``, so a plain column never looks like JSON.
* Key material and signature blobs (public keys, WebAuthn assertion parts)
  are left out of the plain words: they mean nothing to a reader, and the
  exact values are in the journal.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kiosk.format.clock import is_ts
from kiosk.format.entry import Entry
from kiosk.format.kind_words import kind_words

#: Fields shown in their own CSV columns, not again in the details.
OWN_COLUMNS = frozenset({"incident", "account", "serial", "test"})
#: Fields that carry key material or signature blobs: left to the journal.
BLOBS = frozenset(
    {"public_key", "authenticator_data", "client_data_json", "signature", "kiosk_key", "aaguid"}
)
#: Fields whose values are custodian ids (a string or a list of them).
PERSON_FIELDS = frozenset(
    {
        "custodian",
        "custodians",
        "acknowledged_by",
        "auditor",
        "signers",
        "people",
        "by",
        "authorised",
        "security",  # review.completed: the security reviewer (issue 19)
    }
)
#: Words for a few field names the plain rule (underscores to spaces) says badly.
FIELD_WORDS = {
    "id": "credential id",
    "alg": "algorithm",
    "rp_id": "relying party",
    "uv_required": "PIN required",
    "sheet": "sheet hash",
    "record_hash": "record hash",
}


@dataclass
class Names:
    """Who and what the journal names: custodian id -> name, account id -> system."""

    people: dict[str, str] = field(default_factory=dict)
    systems: dict[str, str] = field(default_factory=dict)
    #: envelope serial -> the account it was sealed for (``envelope.registered``)
    envelopes: dict[str, str] = field(default_factory=dict)

    @staticmethod
    def of(entries: Iterable[Entry]) -> Names:
        names = Names()
        for e in entries:
            names.observe(e.kind, e.data)
        return names

    def observe(self, kind: str, data: Mapping[str, Any]) -> None:
        if kind == "custodian.enrolled":
            cid, name = data.get("custodian"), data.get("name")
            if isinstance(cid, str) and isinstance(name, str) and name:
                self.people.setdefault(cid, name)
        elif kind == "account.registered":
            acc, system = data.get("account"), data.get("system")
            if isinstance(acc, str) and isinstance(system, str) and system:
                self.systems.setdefault(acc, system)
        elif kind == "envelope.registered":
            acc, serial = data.get("account"), data.get("serial")
            if isinstance(acc, str) and isinstance(serial, str):
                self.envelopes.setdefault(serial, acc)

    def account_of(self, data: Mapping[str, Any]) -> str:
        """The entry's account: its own ``account``, else the one its envelope was sealed for."""
        acc, serial = data.get("account"), data.get("serial")
        if isinstance(acc, str):
            return acc
        return self.envelopes.get(serial, "") if isinstance(serial, str) else ""

    def person(self, cid: object) -> str:
        """``Dana Whitfield (dana)``; the id alone if the journal names no one for it."""
        text = _text(cid)
        name = self.people.get(text)
        return f"{name} ({text})" if name else text

    def account(self, acc: object) -> str:
        """``entra-01 (Microsoft Entra ID)``; the id alone if the journal names no system."""
        text = _text(acc)
        system = self.systems.get(text)
        return f"{text} ({system})" if system else text

    def system(self, data: Mapping[str, Any]) -> str:
        acc = self.account_of(data)
        if acc in self.systems:
            return self.systems[acc]
        system = data.get("system")
        return system if isinstance(system, str) else ""

    def signers(self, attest: Sequence[Mapping[str, Any]]) -> str:
        """Who approved an entry with their key: ``Dana Whitfield (dana), Sam Okafor (sam)``."""
        return ", ".join(self.person(a.get("custodian")) for a in attest)

    def someone(self, value: object) -> str:
        """A recorded person (``{"custodian", "name", "role"}`` or a name): in words."""
        if isinstance(value, Mapping):
            cid, name, role = value.get("custodian"), value.get("name"), value.get("role")
            who = _text(name) if name else self.person(cid)
            if name and isinstance(cid, str):
                who += f" ({cid})"
            return who + (f", {_text(role)}" if role else "")
        if value is None:
            return "none"
        return _text(value)


def what(kind: str, data: Mapping[str, Any]) -> str:
    """What an entry records, as a sentence start: ``The emergency declaration (drill)``."""
    words = kind_words(kind)
    words = words[:1].upper() + words[1:]
    return words + (" (drill)" if data.get("test") is True else "")


def details(kind: str, data: Mapping[str, Any], names: Names) -> str:
    """Every field of ``data`` not in its own column, as ``field: value`` in words."""
    items = dict(data)
    record = items.pop("record", None)
    if isinstance(record, Mapping):  # the invocation record: its fields read as the entry's
        items = {**{k: v for k, v in record.items() if k != "account"}, **items}
    parts = []
    for key in sorted(items):
        if key in OWN_COLUMNS or key in BLOBS:
            continue
        parts.append(f"{_field(key)}: {_value(key, items[key], names)}")
    return "; ".join(parts)


def _field(key: str) -> str:
    return FIELD_WORDS.get(key, key.replace("_", " "))


def _value(key: str, value: object, names: Names) -> str:
    if key in PERSON_FIELDS:
        if isinstance(value, str):
            return names.person(value)
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return ", ".join(names.person(v) for v in value)
        if isinstance(value, Mapping):
            return names.someone(value)
    if key == "approver" and isinstance(value, Mapping) and "approved_at" in value:
        return approval(value)
    if key in ("declared_by", "second_person", "witness", "approver") and value is None:
        return "none"
    if isinstance(value, Mapping) and _is_person(value):
        return names.someone(value)
    if key == "alg" and isinstance(value, int) and value in ALGORITHMS:
        return ALGORITHMS[value]
    if key in ("authorised",) and isinstance(value, list):
        return ", ".join(names.person(v) for v in value)
    if isinstance(value, Mapping):
        return _mapping(value, names)
    if isinstance(value, list):
        if not value:
            return "none"
        sep = "; " if any(isinstance(v, Mapping) for v in value) else ", "
        return sep.join(_value(key, v, names) for v in value)
    return _scalar(value)


def _is_person(value: Mapping[str, Any]) -> bool:
    """A recorded person: a name or custodian id, perhaps a role, and nothing else."""
    return bool(value.keys() & {"name", "custodian"}) and value.keys() <= {
        "name",
        "custodian",
        "role",
    }


def approval(value: Mapping[str, Any]) -> str:
    """An invocation record's approver: who, how, when, on what conditions."""
    who = _text(value.get("name")) or "someone"
    if value.get("role"):
        who += f", {_text(value.get('role'))}"
    how = f" by {_text(value.get('method'))}" if value.get("method") else ""
    when = f" at {_scalar(value.get('approved_at'))}" if value.get("approved_at") else ""
    text = f"{who}: approved{how}{when}"
    if value.get("conditions"):
        text += f"; conditions: {_text(value.get('conditions'))}"
    return text


def _mapping(value: Mapping[str, Any], names: Names) -> str:
    inner = [
        f"{_field(k)} {_value(k, v, names)}"
        for k, v in sorted(value.items())
        if k not in BLOBS and v not in (None, "", [])
    ]
    return "(" + ", ".join(inner) + ")" if inner else "none"


#: COSE algorithm numbers of enrolled security keys, as people name them.
ALGORITHMS = {-7: "ES256 (ECDSA P-256)", -8: "EdDSA (Ed25519)", -257: "RS256"}


def _scalar(value: object) -> str:
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if value is None:
        return "none"
    if isinstance(value, str) and is_ts(value):
        return f"{value[:10]} {value[11:19]} UTC"
    return _text(value)


def _text(value: object) -> str:
    """A value as text, with no brace or bracket that would read as JSON."""
    text = value if isinstance(value, str) else "" if value is None else str(value)
    return text.translate(_NO_JSON)


_NO_JSON = str.maketrans({"{": "(", "}": ")", "[": "(", "]": ")"})
