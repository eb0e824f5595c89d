"""What one doctor check found, and the pass/fail table of all of them.

A check is a small function returning a :class:`Finding`: pass or fail, a
message code and its parameters. The words are in the one message table
(``doctor.*`` codes in :mod:`kiosk.errors.messages.appliance`): what was
found, and for a failure what to do about it, so an administrator reading
the table knows the next step without a manual.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from kiosk.errors.messages import lookup, render

PASS = "pass"  # noqa: S105 - a status, not a password
FAIL = "fail"
SKIP = "skip"


@dataclass(frozen=True)
class Finding:
    """The outcome of one check: ``status`` (pass, fail, skip), a message code and its fields."""

    status: str
    code: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status != FAIL

    @property
    def text(self) -> str:
        """The table's words: what was found; for a failure, also what to do."""
        if self.status == FAIL:
            return render(self.code, self.params)
        message = lookup(self.code)
        return message.what.format_map(_Blank(self.params))


def passed(code: str, **params: Any) -> Finding:
    return Finding(PASS, code, params)


def failed(code: str, **params: Any) -> Finding:
    return Finding(FAIL, code, params)


def skipped(code: str, **params: Any) -> Finding:
    return Finding(SKIP, code, params)


class _Blank(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "(" + key + ")"


@dataclass(frozen=True)
class Row:
    """One line of the table: the check's name, whether it is required, and its finding."""

    name: str
    required: bool
    finding: Finding


def exit_status(rows: Sequence[Row]) -> int:
    """0 only if every required check that ran passed."""
    return 0 if all(r.finding.ok or not r.required for r in rows) else 1


def table(rows: Sequence[Row], width: int = 100) -> str:
    """The pass/fail table: check, result, what was found (wrapped under its row)."""
    import textwrap

    name_w = max([len("CHECK"), *(len(r.name) for r in rows)])
    lines = [f"{'CHECK':<{name_w}}  RESULT  DETAIL"]
    indent = " " * (name_w + 10)
    for r in rows:
        label = r.finding.status.upper() if r.required or r.finding.ok else "WARN"
        wrapped = textwrap.wrap(r.finding.text, max(30, width - len(indent))) or [""]
        lines.append(f"{r.name:<{name_w}}  {label:<6}  {wrapped[0]}")
        lines += [indent + more for more in wrapped[1:]]
    ran = [r for r in rows if r.finding.status != SKIP]
    bad = [r for r in ran if not r.finding.ok and r.required]
    lines.append("")
    lines.append(
        f"{len(ran)} checks run, {len(ran) - len(bad)} passed, {len(bad)} failed; "
        f"{len(rows) - len(ran)} skipped."
    )
    return "\n".join(lines)


def as_json(rows: Sequence[Row]) -> str:
    """The same results for a script (the package test in CI reads it)."""
    return json.dumps(
        {
            "ok": exit_status(rows) == 0,
            "checks": [
                {
                    "name": r.name,
                    "required": r.required,
                    "status": r.finding.status,
                    "code": r.finding.code,
                    "text": r.finding.text,
                }
                for r in rows
            ],
        },
        indent=2,
    )
