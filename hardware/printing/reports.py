"""The reports: the break-glass inventory and the auditor's export report.

Why together: both list the whole terminal rather than one event (every
account with its authorised persons and last test, every envelope and its
state), and print the accounts in the procedure's inventory table.

The audit report's long listings (every incident with its phases and
deadlines, every envelope over ten years) are drawn by :class:`_Listing`
rather than platypus tables; its docstring says why.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.platypus import CondPageBreak, Flowable, Spacer, Table

from hardware.printing.fonts import SANS, SANS_BOLD
from hardware.printing.layout import (
    ALERT,
    CONTENT_W,
    FILL,
    INK,
    MUTED,
    NAVY,
    Story,
    build,
    grid_table,
    hash_block,
    kv_table,
    local_time,
    para,
    styles,
)
from kiosk.paper.documents import (
    AuditReport,
    InventoryAccount,
    InventoryCredential,
    InventoryReport,
)


def inventory_report(d: InventoryReport) -> bytes:
    """Every account and every envelope as of now: the procedure's inventory."""
    st = styles()
    tz = d.meta.timezone
    story: Story = [
        para("Break-glass account inventory", st["h1"]),
        para(
            f"{len(d.accounts)} accounts · {len(d.envelopes)} envelopes · as of "
            f"{local_time(d.meta.printed_at, tz)}",
            st["sub"],
        ),
        Spacer(1, 2 * mm),
        para("Accounts", st["h2"]),
        _accounts_grid(d.accounts, "Authorised persons", st),
        *_credentials_grid(d.credentials, st),
    ]
    if d.drill_due:
        story.append(Spacer(1, 1.5 * mm))
        story.append(para(f"Next quarterly test due {d.drill_due.isoformat()}.", st["small"]))
    story += [
        para("Envelopes", st["h2"]),
        grid_table(
            ["Serial", "Account", "State", "Since"],
            [[e.serial, e.account or "—", e.state, local_time(e.since, tz)] for e in d.envelopes]
            or [["—", "", "", ""]],
            [32 * mm, 62 * mm, 30 * mm, CONTENT_W - 124 * mm],
            st,
        ),
    ]
    return build(d, story)


def _accounts_grid(
    accounts: Sequence[InventoryAccount], authorised: str, st: dict[str, ParagraphStyle]
) -> Table:
    """The procedure's inventory table, as the inventory and audit reports both print it."""
    return grid_table(
        ["Account", "System", "Storage location", authorised, "Last tested", "Status"],
        [
            [
                a.account,
                a.system,
                a.storage_location,
                ", ".join(a.authorised),
                a.last_tested.isoformat() if a.last_tested else "never",
                a.status,
            ]
            for a in accounts
        ]
        or [["—", "", "", "", "", ""]],
        [44 * mm, 26 * mm, 30 * mm, 30 * mm, 21 * mm, CONTENT_W - 151 * mm],
        st,
    )


def _credentials_grid(rows: Sequence[InventoryCredential], st: dict[str, ParagraphStyle]) -> Story:
    """Issue 18's credential table: live and superseded copies, last rotation, verification,
    drill (empty when the report has none)."""
    if not rows:
        return []

    def day(d: dt.date | None) -> str:
        return d.isoformat() if d else "never"

    return [
        CondPageBreak(40 * mm),  # the heading never alone at a page's foot
        para("Credentials", st["h2"]),
        grid_table(
            [
                "Account",
                "Live copies",
                "Superseded, to destroy",
                "Last rotation",
                "Last verified",
                "Last drill",
            ],
            [
                [
                    r.account + (f" ({r.notes})" if r.notes else ""),
                    ", ".join(r.live) or "none",
                    (", ".join(r.superseded) + f" by {day(r.destroy_by)}")
                    if r.superseded
                    else "none",
                    day(r.last_rotation),
                    day(r.last_verification),
                    day(r.last_drill),
                ]
                for r in rows
            ],
            [38 * mm, 30 * mm, 38 * mm, 22 * mm, 22 * mm, CONTENT_W - 150 * mm],
            st,
        ),
    ]


# ---------------------------------------------------------------------------
# Audit report: long listings in a fixed layout

#: One piece of text on a listing row: (x offset, font, size, colour, text).
_Seg = tuple[float, str, float, colors.Color, str]
#: One row: its pieces, and whether it opens a block (light fill behind it).
_Row = tuple[tuple[_Seg, ...], bool]

_LIST_SIZE = 7.0
_LIST_LEADING = 9.2
_STATUS_COLOUR = {"met": INK, "missed": ALERT, "open": NAVY, "not judged": MUTED}


class _Listing(Flowable):  # type: ignore[misc]
    """Rows of text in fixed columns, drawn with one text object, split at any row.

    Why not platypus Tables: a ten-year audit report lists hundreds of
    incidents with every phase and deadline (thousands of rows); a table lays
    out and measures every cell (a Paragraph each), which cost seconds. Here
    a row is a few strings at fixed x offsets in one font size, cut to their
    column by character count, so layout is arithmetic and drawing is one
    ``textOut`` per piece.
    """

    def __init__(self, rows: Sequence[_Row]) -> None:
        super().__init__()
        self.rows = list(rows)
        self.width = CONTENT_W
        self.height = len(self.rows) * _LIST_LEADING

    def wrap(self, avail_w: float, avail_h: float) -> tuple[float, float]:
        return self.width, self.height

    def split(self, avail_w: float, avail_h: float) -> list[Flowable]:
        n = int(avail_h // _LIST_LEADING)
        # Never leave a block's first row alone at the foot of a page.
        while 0 < n < len(self.rows) and self.rows[n - 1][1]:
            n -= 1
        if n <= 0:
            return []
        return [_Listing(self.rows[:n]), _Listing(self.rows[n:])]

    def draw(self) -> None:
        c = self.canv
        c.setFillColor(FILL)
        for k, (_segs, opens) in enumerate(self.rows):
            if opens:
                y = self.height - (k + 1) * _LIST_LEADING
                c.rect(0, y - 0.6, self.width, _LIST_LEADING, stroke=0, fill=1)
        text = c.beginText()
        font: tuple[str, float] | None = None
        colour: colors.Color | None = None
        for k, (segs, _opens) in enumerate(self.rows):
            y = self.height - (k + 1) * _LIST_LEADING + 2.0
            for x, name, size, col, piece in segs:
                if not piece:
                    continue
                if font != (name, size):
                    text.setFont(name, size)
                    font = (name, size)
                if col is not colour:
                    text.setFillColor(col)
                    colour = col
                text.setTextOrigin(x, y)
                # textLine, not textOut: every piece is placed absolutely, so
                # the cursor advance textOut measures (stringWidth) is wasted.
                text.textLine(piece)
        c.drawText(text)


def _fit(text: str, width: float, size: float = _LIST_SIZE) -> str:
    """Cut ``text`` to about ``width`` points (DejaVu Sans averages ~0.56 em a character)."""
    n = max(4, int(width / (size * 0.58)))
    return text if len(text) <= n else text[: n - 1] + "…"


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'' if n == 1 else 's'}"


def _short_rule(label: str) -> str:
    """A deadline rule's label without its parenthesised remarks (the legend has them)."""
    out, depth = [], 0
    for ch in label:
        if ch == "(":
            depth += 1
        elif ch == ")" and depth:
            depth -= 1
        elif not depth:
            out.append(ch)
    return " ".join("".join(out).split())


def _detail_rows(label: str, value: str) -> list[_Row]:
    """One of an incident's details: its label, and its value wrapped to the column."""
    x = 34 * mm  # the phases' time column
    lines = simpleSplit(value, SANS, _LIST_SIZE, CONTENT_W - x - 4) or [""]
    rows: list[_Row] = []
    for i, line in enumerate(lines):
        segs: list[_Seg] = [(x, SANS, _LIST_SIZE, INK, line)]
        if i == 0:
            segs.insert(0, (4, SANS, _LIST_SIZE, MUTED, _fit(label, x - 6)))
        rows.append((tuple(segs), False))
    return rows


def _incident_rows(d: AuditReport) -> list[_Row]:
    """Every incident: a title row, who/what/why, its phases in two columns, each deadline."""
    half = CONTENT_W / 2
    label_w = 34 * mm
    rows: list[_Row] = []
    for inc in d.incidents:
        missed = sum(1 for x in inc.deadlines if x.status == "missed")
        summary = ", ".join(
            f"{n} {state}"
            for state in ("met", "missed", "open", "not judged")
            if (n := sum(1 for x in inc.deadlines if x.status == state))
        )
        rows.append(
            (
                (
                    (2, SANS_BOLD, 7.6, INK, _fit(f"Incident {inc.incident}", 50 * mm, 7.6)),
                    (52 * mm, SANS, _LIST_SIZE, MUTED, "test drill" if inc.test else "incident"),
                    (72 * mm, SANS, _LIST_SIZE, MUTED, f"{len(inc.phases)} phases"),
                    (
                        94 * mm,
                        SANS_BOLD if missed else SANS,
                        _LIST_SIZE,
                        ALERT if missed else INK,
                        "deadlines: " + (summary or "none apply"),
                    ),
                ),
                True,
            )
        )
        for label, value in inc.details:
            rows.extend(_detail_rows(label, value))
        phases = list(inc.phases)
        for i in range(0, len(phases), 2):
            segs: list[_Seg] = []
            for j, (phase, when) in enumerate(phases[i : i + 2]):
                x = 4 + j * half
                segs.append((x, SANS, _LIST_SIZE, MUTED, _fit(phase, label_w - 2)))
                segs.append((x + label_w, SANS, _LIST_SIZE, INK, _fit(when, half - label_w - 6)))
            rows.append((tuple(segs), False))
        for x in inc.deadlines:
            colour = _STATUS_COLOUR.get(x.status, INK)
            rows.append(
                (
                    (
                        (4, SANS_BOLD, _LIST_SIZE, colour, x.status.upper()),
                        (22 * mm, SANS, _LIST_SIZE, INK, _fit(_short_rule(x.label), 84 * mm)),
                        (108 * mm, SANS, _LIST_SIZE, colour, _fit(x.detail, CONTENT_W - 108 * mm)),
                    ),
                    False,
                )
            )
    return rows


def _envelope_rows(d: AuditReport) -> list[_Row]:
    tz = d.meta.timezone
    cols = (0.0, 32 * mm, 72 * mm, 122 * mm)
    head: _Row = (
        tuple(
            (x + 2, SANS_BOLD, 6.8, MUTED, h)
            for x, h in zip(cols, ("SERIAL", "ACCOUNT", "STATE", "SINCE"), strict=True)
        ),
        True,
    )
    rows: list[_Row] = [head]
    for e in d.envelopes:
        cells = (e.serial, e.account or "—", e.state, local_time(e.since, tz))
        widths = (32 * mm, 40 * mm, 50 * mm, CONTENT_W - 122 * mm)
        rows.append(
            (
                tuple(
                    (x + 2, SANS, _LIST_SIZE, INK, _fit(v, w - 3))
                    for x, v, w in zip(cols, cells, widths, strict=True)
                ),
                False,
            )
        )
    return rows


#: Room a section needs below its heading before the heading may start a page's last
#: part: the heading, its one-line introduction and a few rows of what follows.
_SECTION_ROOM = 32 * mm


def _section(
    title: str, intro: str, st: dict[str, ParagraphStyle], room: float = _SECTION_ROOM
) -> list[Flowable]:
    """A heading that never stands alone at a page foot, and its one-line introduction.

    ``CondPageBreak`` starts a new page when less than :data:`_SECTION_ROOM`
    is left, and the heading is kept with its introduction (``keepWithNext``),
    so a heading is always followed on its page by what it introduces. The
    introduction is a short paragraph, not the long table or listing after
    it: keeping a heading with a whole listing would push every long
    listing to a new page.
    """
    heading = para(title, st["h2"])
    heading.keepWithNext = 1
    return [CondPageBreak(room), heading, para(intro, st["small"])]


def _first_block(rows: Sequence[_Row]) -> float:
    """The height of a listing's first block (up to the next row that opens one)."""
    n = next((i for i, (_segs, opens) in enumerate(rows) if opens and i > 0), len(rows))
    return n * _LIST_LEADING


def audit_report(d: AuditReport) -> bytes:
    """The auditor's report of an export bundle: what to compare, what to look at.

    Every incident is listed with each phase (when, which entry) and each
    deadline (met, missed, open, not judged, with its detail), and every
    envelope; those long listings use :class:`_Listing`, the short tables
    (custodians, accounts) the usual grids.
    """
    st = styles()
    tz = d.meta.timezone
    story: Story = [
        para("Audit export report", st["h1"]),
        para(
            f"{d.entries} journal entries · bundle {d.bundle} · "
            f"written {local_time(d.created_at, tz)}",
            st["sub"],
        ),
        Spacer(1, 2 * mm),
        kv_table(
            [
                ("Terminal key", para(d.key_fingerprint, st["mono"])),
                ("Head entry", str(d.meta.head.seq)),
                ("Head hash", hash_block(d.meta.head.hash, st["mono"])),
                ("Genesis", hash_block(d.genesis_hash, st["mono"])),
            ],
            st,
        ),
        para(
            "Compare the terminal key with the terminal identity sheet (or the commissioning "
            "sheet) and the head with the last paper record before trusting this bundle; "
            "README.txt in the bundle says how, step by step.",
            st["small"],
        ),
    ]
    reviews = [f for f in d.findings if f.level == "review"]
    notes = [f for f in d.findings if f.level != "review"]
    story += _section(
        "Findings",
        f"{_count(len(reviews), 'finding')} a reviewer must look at, then "
        f"{_count(len(notes), 'note')}: what sealroom verify reports for this journal.",
        st,
    )
    if not d.findings:
        story.append(para("None.", st["value"]))
    for f in reviews:
        story.append(para(f"• {f.text}", st["value"]))
    for f in notes:
        story.append(para(f"• (note) {f.text}", st["small"]))
    story += _section(
        "Custodians",
        f"{len(d.custodians)} {'person' if len(d.custodians) == 1 else 'people'} enrolled, "
        "by name and by the id the journal names them with.",
        st,
    )
    story.append(
        grid_table(
            ["Id", "Name", "Status"],
            [[a, b, c] for a, b, c in d.custodians] or [["—", "", ""]],
            [36 * mm, 90 * mm, CONTENT_W - 126 * mm],
            st,
        )
    )
    story += _section(
        "Accounts",
        f"{_count(len(d.accounts), 'break-glass account')}, the system each opens and who may "
        "use it.",
        st,
    )
    story.append(_accounts_grid(d.accounts, "Authorised", st))
    story += _credentials_grid(d.credentials, st)
    if not d.incidents:
        story += _section("Incidents", "No incidents in the journal.", st)
    else:
        drills = sum(1 for inc in d.incidents if inc.test)
        missed = sum(1 for inc in d.incidents for x in inc.deadlines if x.status == "missed")
        rules = sorted({x.label for inc in d.incidents for x in inc.deadlines})
        listing = _incident_rows(d)
        # The heading, its introduction, the explanation and rules, and the first incident.
        room = _SECTION_ROOM + (4 + len(rules)) * 9.5 + min(_first_block(listing), 60 * mm)
        story += _section(
            "Incidents",
            f"{_count(len(d.incidents) - drills, 'incident')} and "
            f"{_count(drills, 'test drill')}; {_count(missed, 'deadline')} missed.",
            st,
            room,
        )
        story.append(
            para(
                "Each incident lists its account and system, who declared it and with whom, "
                "the approver, the reason and the envelopes; then its phases (when, which "
                "journal entry) and each deadline that applies, with its window: MET, "
                "MISSED, OPEN (not yet due) or NOT JUDGED (the journal lacks its start); "
                "times are UTC. The deadline rules in full:",
                st["small"],
            )
        )
        for rule in rules:
            story.append(para(f"• {rule}", st["small"]))
        story.append(Spacer(1, 1.5 * mm))
        story.append(_Listing(listing))
    story += _section(
        "Envelopes",
        f"{_count(len(d.envelopes), 'envelope')}, each with its account and its state at export."
        if d.envelopes
        else "No envelopes.",
        st,
    )
    if d.envelopes:
        story.append(_Listing(_envelope_rows(d)))
    return build(d, story)
