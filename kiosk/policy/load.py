"""Reading the policy file: every error names the TOML line and the rule it protects.

An invalid file must stop the terminal before anything happens, with a
message naming the line: a terminal running on rules nobody wrote is worse
than one that does not start.

Validation is explicit (a table of fields with types and ranges) rather than
a generic schema library, because each error must name the TOML line and the
procedure's rule it protects.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
import zoneinfo
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from kiosk.errors import PolicyError
from kiosk.format.clock import DEFAULT_CLOCK_TOLERANCE_MINUTES
from kiosk.policy.incident import incident_settings
from kiosk.policy.model import (
    AIRGAP_ACTIONS,
    CHECK_DIGITS,
    DEFAULT_COUNTER_MARGIN,
    DEFAULT_DESTRUCTION_METHODS,
    DEFAULT_ENVELOPE_COPIES,
    DEFAULT_SUPERSEDED_DESTROY_DAYS,
    DEFAULT_VERIFICATION_HOURS,
    DEVICE_KINDS,
    KIOSK_ID_RE,
    LOOKALIKES,
    MAX_CLOCK_TOLERANCE_MINUTES,
    TERMINATORS,
    TPM_MODES,
    Approver,
    DeviceRule,
    Policy,
    missing_password_kinds,
)
from kiosk.policy.patterns import pattern_problem
from kiosk.policy.source import policy_text, refuse_deep_nesting

#: ``assets/policy.toml`` at the top of the repository (this file is kiosk/policy/load.py).
DEFAULT_POLICY_PATH = Path(__file__).resolve().parents[2] / "assets" / "policy.toml"


# ---------------------------------------------------------------------------
# Locating keys in the source text, so every error can name its line.


def _line_of(text: str, section: str, key: str | None) -> int:
    """Best line number for ``key`` in ``[section]`` (or the section header)."""
    current = ""
    header_line = 1
    for no, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        m = re.match(r"^\[\[?\s*([A-Za-z0-9_.\-]+)\s*\]\]?", line)
        if m:
            current = m.group(1)
            if current == section and header_line == 1:
                header_line = no
            continue
        if key is not None and current == section and re.match(rf"^{re.escape(key)}\s*=", line):
            return no
    return header_line


class _Reader:
    def __init__(self, text: str, path: str, data: Mapping[str, Any]) -> None:
        self.text = text
        self.path = path
        self.data = data

    def fail(self, section: str, key: str | None, reason: str) -> PolicyError:
        return PolicyError(
            "policy.invalid", path=self.path, line=_line_of(self.text, section, key), reason=reason
        )

    def table(self, section: str) -> Mapping[str, Any]:
        node: Any = self.data
        for part in section.split("."):
            if not isinstance(node, Mapping) or part not in node:
                raise PolicyError(
                    "policy.invalid",
                    path=self.path,
                    line=len(self.text.splitlines()) or 1,
                    reason=f"the section [{section}] is missing",
                )
            node = node[part]
        if not isinstance(node, Mapping):
            raise self.fail(section, None, f"[{section}] must be a table")
        return node

    def get(
        self,
        section: str,
        key: str,
        kind: type,
        check: Callable[[Any], str | None] | None = None,
        optional: bool = False,
    ) -> Any:
        tbl = self.table(section)
        if key not in tbl:
            if optional:
                return None
            raise self.fail(section, None, f"'{key}' is missing from [{section}]")
        value = tbl[key]
        ok = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
        if not ok:
            raise self.fail(section, key, f"'{key}' must be {_kind_name(kind)}")
        if check is not None:
            problem = check(value)
            if problem:
                raise self.fail(section, key, f"'{key}' {problem}")
        return value

    def unknown_keys(self, section: str, known: set[str]) -> None:
        for key in self.table(section):
            if key not in known:
                raise self.fail(section, key, f"'{key}' is not a known setting in [{section}]")


def _kind_name(kind: type) -> str:
    return {bool: "true or false", int: "a whole number", str: "text", list: "a list"}.get(
        kind, kind.__name__
    )


def _range(lo: int, hi: int, rule: str = "") -> Callable[[Any], str | None]:
    """Between ``lo`` and ``hi``; ``rule`` says what the procedure requires, if it sets them."""
    why = f": the procedure requires {rule}" if rule else ""
    return lambda v: None if lo <= v <= hi else f"must be between {lo} and {hi}{why}"


#: The windows the break-glass procedure fixes: ``[deadlines]`` key -> (lowest,
#: highest allowed, what the procedure requires). The policy may tighten each
#: (approver attempts: wait longer; the rest: shorter), never loosen it: the
#: auditors' verifier judges the procedure's own windows
#: (:mod:`kiosk.rules.deadlines`), and a policy that lengthened one would
#: have the terminal call a deadline met that the auditors' report calls missed.
PROCEDURE_WINDOWS: dict[str, tuple[int, int, str]] = {
    "approver_attempts_minutes": (
        15,
        240,
        "at least 15 minutes of attempts before the emergency exception",
    ),
    "approver_notice_minutes": (1, 60, "the approver notified within 1 hour"),
    "solo_signoff_minutes": (1, 60, "executive sign-off of solo access within 1 hour"),
    "documentation_minutes": (1, 120, "documentation within 2 hours of the session"),
    "review_business_days": (1, 5, "the post-incident review within 5 business days"),
    "drill_interval_days": (1, 92, "a test every quarter (92 days at most)"),
}


def _timezone(v: str) -> str | None:
    try:
        zoneinfo.ZoneInfo(v)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return f"'{v}' is not a known time zone"
    return None


def _calendar(country: str, subdivision: str | None) -> str | None:
    """Why the business-day calendar cannot be built, or None."""
    import holidays

    try:
        holidays.country_holidays(country, subdiv=subdivision or None, years=2026)
    except (NotImplementedError, KeyError):
        return f"'{country}' is not a country the holidays calendar knows"
    except ValueError as exc:
        return f"'{country}/{subdivision}': {exc}"
    return None


def parse_policy(raw: bytes, path: str = "<policy>") -> Policy:
    """Validate policy bytes; raise :class:`PolicyError` naming the line.

    The text is UTF-8 (a leading byte-order mark is ignored) and nested at
    most :data:`~kiosk.policy.source.MAX_NESTING` deep, checked before the
    TOML parser runs (:mod:`kiosk.policy.source`); the hash is of ``raw``.
    """
    text = policy_text(raw, path)
    refuse_deep_nesting(text, path)
    try:
        return _parse(raw, text, path)
    except RecursionError as exc:
        # Not expected once the nesting is checked; should any other shape
        # recurse this deep, it is still a refused file, never a traceback.
        raise PolicyError(
            "policy.syntax", path=path, line=1, reason="the file is nested too deeply to read"
        ) from exc


def _parse(raw: bytes, text: str, path: str) -> Policy:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        raise PolicyError(
            "policy.syntax",
            path=path,
            line=int(m.group(1)) if m else 1,
            reason=str(exc).split(" (at")[0],
        ) from exc

    r = _Reader(text, path, data)
    for top in data:
        if top not in {
            "terminal",
            "approval",
            "deadlines",
            "calendar",
            "envelopes",
            "passwords",
            "printing",
            "scanner",
            "devices",
            "airgap",
            "tamper",
            "incident",
            "backup",
        }:
            raise r.fail(top, None, f"[{top}] is not a known section")

    r.unknown_keys(
        "terminal", {"kiosk_id", "timezone", "idle_lock_seconds", "clock_tolerance_minutes"}
    )
    kiosk_id = r.get(
        "terminal",
        "kiosk_id",
        str,
        lambda v: None if KIOSK_ID_RE.match(v) else "must be 1-40 of a-z, 0-9 and '-'",
    )
    timezone = r.get("terminal", "timezone", str, _timezone)
    idle = r.get("terminal", "idle_lock_seconds", int, _range(30, 3600))
    clock_tolerance = r.get(
        "terminal",
        "clock_tolerance_minutes",
        int,
        _range(1, MAX_CLOCK_TOLERANCE_MINUTES),
        optional=True,
    )

    r.unknown_keys(
        "approval", {"rp_id", "uv_required", "witness_required", "approvers", "counter_margin"}
    )
    rp_id = r.get(
        "approval",
        "rp_id",
        str,
        lambda v: (
            None
            if re.match(r"^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$", v)
            else "must be a lower-case domain name"
        ),
    )
    uv = r.get("approval", "uv_required", bool)
    witness = r.get("approval", "witness_required", bool)
    counter_margin = _counter_margin(r)
    raw_approvers = r.get(
        "approval",
        "approvers",
        list,
        lambda v: None if v else "must list at least one emergency approver",
    )
    approvers = []
    for i, a in enumerate(raw_approvers):
        if not isinstance(a, Mapping):
            raise r.fail("approval.approvers", None, f"approver {i + 1} must be a table")
        for key in ("name", "role", "contact"):
            v = a.get(key)
            if not isinstance(v, str) or not v.strip():
                raise r.fail("approval.approvers", key, f"approver {i + 1} needs a '{key}'")
        approvers.append(Approver(a["name"].strip(), a["role"].strip(), a["contact"].strip()))

    dl = "deadlines"
    r.unknown_keys(
        dl,
        {
            "approver_attempts_minutes",
            "approver_notice_minutes",
            "solo_signoff_minutes",
            "documentation_minutes",
            "review_business_days",
            "drill_interval_days",
            "checkout_limit_minutes",
            "rotation_hours",
            "retention_years",
            "verification_hours",
        },
    )
    windows = {
        key: r.get(dl, key, int, _range(lo, hi, rule))
        for key, (lo, hi, rule) in PROCEDURE_WINDOWS.items()
    }
    checkout = r.get(dl, "checkout_limit_minutes", int, _range(5, 7 * 24 * 60))
    rotation = r.get(dl, "rotation_hours", int, _range(1, 24 * 30))
    retention = r.get(dl, "retention_years", int, _range(1, 100))

    r.unknown_keys("calendar", {"country", "subdivision"})
    country = r.get("calendar", "country", str)
    subdiv = r.get("calendar", "subdivision", str, optional=True) or None
    problem = _calendar(country, subdiv)
    if problem:
        raise r.fail("calendar", "country", problem)

    r.unknown_keys(
        "envelopes",
        {
            "serial_pattern",
            "check_digit",
            "copies",
            "destruction_methods",
            "superseded_destroy_days",
            "token_in_envelope",
        },
    )
    copies = r.get("envelopes", "copies", int, _range(1, 10), optional=True)
    methods = r.get("envelopes", "destruction_methods", list, _methods, optional=True)
    destroy_days = r.get("envelopes", "superseded_destroy_days", int, _range(1, 90), optional=True)
    verification = r.get("deadlines", "verification_hours", int, _range(1, 24 * 30), optional=True)
    pattern = r.get("envelopes", "serial_pattern", str, pattern_problem)
    check_digit = r.get(
        "envelopes",
        "check_digit",
        str,
        lambda v: None if v in CHECK_DIGITS else f"must be one of {', '.join(CHECK_DIGITS)}",
    )
    # Optional: a policy written before the setting keeps its meaning (and its hash).
    token_in_envelope = r.get("envelopes", "token_in_envelope", bool, optional=True) is True

    r.unknown_keys("passwords", {"length", "alphabet", "classes"})
    length = r.get("passwords", "length", int, _range(20, 128))
    alphabet = r.get("passwords", "alphabet", str, _alphabet)
    classes = r.get("passwords", "classes", list)
    if len(classes) < 3 or not all(isinstance(c, str) and c for c in classes):
        raise r.fail("passwords", "classes", "'classes' must list at least three character sets")
    for c in classes:
        if not set(c) <= set(alphabet):
            raise r.fail("passwords", "classes", f"class '{c}' has characters not in the alphabet")
    if len(classes) > length:
        raise r.fail("passwords", "classes", "there are more classes than password characters")
    missing = missing_password_kinds(classes)
    if missing:
        raise r.fail(
            "passwords",
            "classes",
            f"no class of {' or '.join(missing)}: the procedure requires passwords with mixed "
            "case, numbers and symbols",
        )

    r.unknown_keys("printing", {"queue", "job_timeout_seconds"})
    queue = r.get(
        "printing",
        "queue",
        str,
        lambda v: None if re.match(r"^[A-Za-z0-9_.-]{1,127}$", v) else "is not a CUPS queue name",
    )
    print_timeout = r.get("printing", "job_timeout_seconds", int, _range(5, 3600))

    r.unknown_keys("scanner", {"max_interkey_ms", "min_length", "terminator"})
    interkey = r.get("scanner", "max_interkey_ms", int, _range(5, 200))
    min_len = r.get("scanner", "min_length", int, _range(1, 64))
    terminator = r.get(
        "scanner",
        "terminator",
        str,
        lambda v: None if v in TERMINATORS else f"must be one of {', '.join(TERMINATORS)}",
    )

    devices: list[DeviceRule] = []
    if "devices" in data:
        r.unknown_keys("devices", {"allow"})
        for i, d in enumerate(r.get("devices", "allow", list)):
            if not isinstance(d, Mapping) or d.get("kind") not in DEVICE_KINDS:
                raise r.fail(
                    "devices.allow",
                    "kind",
                    f"device rule {i + 1} needs kind = one of {', '.join(DEVICE_KINDS)}",
                )
            vals: dict[str, int | None] = {}
            for key in ("usb_class", "vendor", "product"):
                v = d.get(key)
                if v is not None and (not isinstance(v, int) or isinstance(v, bool) or v < 0):
                    raise r.fail(
                        "devices.allow", key, f"device rule {i + 1}: '{key}' must be a number"
                    )
                vals[key] = v
            devices.append(
                DeviceRule(d["kind"], vals["usb_class"], vals["vendor"], vals["product"])
            )

    on_network = "refuse"
    if "airgap" in data:
        r.unknown_keys("airgap", {"on_network"})
        on_network = (
            r.get(
                "airgap",
                "on_network",
                str,
                lambda v: (
                    None if v in AIRGAP_ACTIONS else f"must be one of {', '.join(AIRGAP_ACTIONS)}"
                ),
                optional=True,
            )
            or "refuse"
        )
    tpm = "if-present"
    if "tamper" in data:
        r.unknown_keys("tamper", {"tpm"})
        tpm = (
            r.get(
                "tamper",
                "tpm",
                str,
                lambda v: None if v in TPM_MODES else f"must be one of {', '.join(TPM_MODES)}",
                optional=True,
            )
            or tpm
        )

    return Policy(
        sha256=hashlib.sha256(raw).hexdigest(),
        source=path,
        kiosk_id=kiosk_id,
        timezone=timezone,
        idle_lock_seconds=idle,
        clock_tolerance_minutes=(
            DEFAULT_CLOCK_TOLERANCE_MINUTES if clock_tolerance is None else clock_tolerance
        ),
        rp_id=rp_id,
        uv_required=uv,
        witness_required=witness,
        approvers=tuple(approvers),
        **windows,
        checkout_limit_minutes=checkout,
        rotation_hours=rotation,
        retention_years=retention,
        calendar_country=country,
        calendar_subdivision=subdiv,
        serial_pattern=pattern,
        check_digit=check_digit,
        password_length=length,
        password_alphabet=alphabet,
        password_classes=tuple(classes),
        print_queue=queue,
        print_timeout_seconds=print_timeout,
        scanner_max_interkey_ms=interkey,
        scanner_min_length=min_len,
        scanner_terminator=terminator,
        devices=tuple(devices),
        airgap_on_network=on_network,
        tamper_tpm=tpm,
        counter_margin=counter_margin,
        envelope_copies=DEFAULT_ENVELOPE_COPIES if copies is None else copies,
        destruction_methods=DEFAULT_DESTRUCTION_METHODS if methods is None else tuple(methods),
        superseded_destroy_days=(
            DEFAULT_SUPERSEDED_DESTROY_DAYS if destroy_days is None else destroy_days
        ),
        verification_hours=DEFAULT_VERIFICATION_HOURS if verification is None else verification,
        **incident_settings(r, "incident" in data),
        **_backup(r, data),
        token_in_envelope=token_in_envelope,
    )


def _methods(v: list[Any]) -> str | None:
    """At least one method, each a short line of text, none twice."""
    if not v or not all(isinstance(m, str) and m.strip() and len(m) <= 80 for m in v):
        return "must list at least one method, each a short text"
    if len(set(v)) != len(v):
        return "names a method twice"
    return None


def _backup(r: _Reader, data: Mapping[str, Any]) -> dict[str, Any]:
    """``[backup]``: optional; the medium's label and the longest interval (issue 21)."""
    if "backup" not in data:
        return {}
    r.unknown_keys("backup", {"medium", "every_days", "path"})
    medium = r.get(
        "backup",
        "medium",
        str,
        lambda v: None if 1 <= len(v.strip()) <= 200 else "must be 1 to 200 characters",
        optional=True,
    )
    every = r.get("backup", "every_days", int, _range(1, 90), optional=True)
    path = r.get("backup", "path", str, _absolute_path, optional=True)
    out: dict[str, Any] = {}
    if path is not None:
        out["backup_path"] = str(path).strip()
    if medium is not None:
        out["backup_medium"] = str(medium).strip()
    if every is not None:
        out["backup_every_days"] = int(every)
    return out


def _absolute_path(v: str) -> str | None:
    """``[backup] path``: an absolute directory, a short one (the second disk's mount point)."""
    v = v.strip()
    if not v.startswith("/") or len(v) > 400 or "\x00" in v or "/../" in f"{v}/":
        return "must be an absolute directory path (up to 400 characters, no '..')"
    return None


def _counter_margin(r: _Reader) -> int:
    """``[approval] counter_margin``: optional, the counter witness's margin (see the model)."""
    value = r.get("approval", "counter_margin", int, _range(1, 1_000_000), optional=True)
    return DEFAULT_COUNTER_MARGIN if value is None else int(value)


def _alphabet(v: str) -> str | None:
    bad = sorted(set(v) & LOOKALIKES)
    if bad:
        return "must not contain look-alike characters: " + " ".join(bad)
    if len(set(v)) != len(v):
        return "must not repeat characters"
    if len(v) < 32:
        return "must have at least 32 characters"
    if any(not c.isprintable() or c.isspace() or ord(c) > 126 for c in v):
        return "must be printable ASCII without spaces"
    return None


def load_policy(path: Path | None = None) -> Policy:
    """Read and validate the policy file (the default one in ``assets/`` if none)."""
    p = path or DEFAULT_POLICY_PATH
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise PolicyError(
            "policy.missing", path=str(p), reason=exc.strerror or "unreadable"
        ) from exc
    return parse_policy(raw, str(p))
