"""Paper that works in the hand (issue 22): folds, the envelope's contents, the label.

Every check reads the rendered PDF with poppler (``pdftotext -bbox`` for
where each word is, ``pdftotext`` for the text), and the credential sheet's
fold check also compares the layout's own record of where its secret panel
was drawn with the fold positions.

* No fold crosses the secret panel, and nothing secret is printed outside
  it, whatever the password's length or the number of recovery codes.
* The sheet's "In this envelope" line and its sealing steps agree about the
  security key, for both values of the policy's ``token_in_envelope``.
* The envelope label holds the account id and the system, never the
  username, and breaks lines only at spaces (long ids, long system names).
"""

from __future__ import annotations

import dataclasses
import html
import re
import secrets
import subprocess
from dataclasses import dataclass

import pytest
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Table

from hardware.printing.credentials import credential_sheet_layout
from hardware.printing.fonts import SANS_BOLD, register_fonts
from hardware.printing.layout import FOLD_CLEARANCE, PAGE_H, build, para
from hardware.printing.render import render
from hardware.printing.samples import sample_documents
from kiosk.paper.documents import CredentialSheet, EnvelopeLabel
from kiosk.paper.passwords import SecretText
from kiosk.policy import load_policy

POLICY = load_policy()


@dataclass(frozen=True)
class Word:
    """A word as poppler found it; y from the top of the page, in points."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float


def words(pdf: bytes) -> list[Word]:
    """Every word of the (one-page) PDF with its box, from ``pdftotext -bbox`` on stdin."""
    out = subprocess.run(
        ["pdftotext", "-bbox", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    pattern = re.compile(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'
    )
    return [
        Word(html.unescape(m[5]), float(m[1]), float(m[2]), float(m[3]), float(m[4]))
        for m in pattern.finditer(out)
    ]


def text_of(pdf: bytes) -> str:
    """The text in reading order (no -layout: a paragraph's lines stay together), squashed."""
    out = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    return " ".join(out.split())


def lines_of(pdf: bytes) -> list[str]:
    out = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    return [" ".join(line.split()) for line in out.splitlines() if line.strip()]


def sample_sheet() -> CredentialSheet:
    return next(d for d in sample_documents() if isinstance(d, CredentialSheet))


def sample_label() -> EnvelopeLabel:
    return next(d for d in sample_documents() if isinstance(d, EnvelopeLabel))


def password(length: int) -> SecretText:
    alphabet = POLICY.password_alphabet
    return SecretText("".join(secrets.choice(alphabet) for _ in range(length)))


# ---------------------------------------------------------------------------------------------
# The secret panel and the folds


def secret_words(sheet: CredentialSheet) -> list[str]:
    """What must appear only inside the panel: username, password groups, recovery codes."""
    return [sheet.username, *sheet.password.groups(4), *sheet.recovery_codes]


@pytest.mark.parametrize(
    ("length", "codes"),
    [(24, 4), (20, 0), (48, 8), (64, 16), (128, 16)],
    ids=["default", "shortest", "two-rows", "long", "longest"],
)
def test_no_fold_crosses_the_secret_panel(length: int, codes: int) -> None:
    sheet = dataclasses.replace(
        sample_sheet(),
        password=password(length),
        recovery_codes=tuple(f"{i:02d}QK-4M9C-XW3P" for i in range(codes)),
    )
    pdf, layout = credential_sheet_layout(sheet)

    # From the layout: the panel's drawn box sits between the two folds, clear of both.
    x0, y0, x1, y1 = layout.secret
    upper, lower = layout.folds
    assert lower + FOLD_CLEARANCE <= y0 < y1 <= upper - FOLD_CLEARANCE, (layout, length)

    # From the PDF itself: the fold marks where poppler finds them ("fold", drawn 1 mm
    # above each fold line), and every secret word inside the panel's box, off the folds.
    found = words(pdf)
    marks = sorted(w.bottom for w in found if w.text == "fold" and w.x1 < 10 * mm)
    assert len(marks) == 2, "the two fold marks are printed"
    folds_from_top = [PAGE_H - upper, PAGE_H - lower]
    for mark, fold in zip(marks, folds_from_top, strict=True):
        assert abs(mark - fold) < 5, (marks, folds_from_top)  # the mark is at its fold
    top, bottom = PAGE_H - y1, PAGE_H - y0
    for secret in secret_words(sheet):
        hits = [w for w in found if w.text == secret]
        assert hits, f"{secret!r} is not printed"
        for w in hits:
            assert x0 - 1 <= w.x0 and w.x1 <= x1 + 1, f"{secret!r} outside the panel"
            assert top - 1 <= w.top and w.bottom <= bottom + 1, f"{secret!r} outside the panel"
            for fold in folds_from_top:
                assert not (w.top - FOLD_CLEARANCE < fold < w.bottom + FOLD_CLEARANCE)
    # Nothing secret elsewhere: the username is in no other word (the sheet names the
    # account by its id), and no password group is printed twice.
    assert [w.text for w in found if sheet.username in w.text] == [sheet.username]
    assert sheet.account in {w.text for w in found}
    assert sheet.username not in {sheet.account, sheet.system}
    sheet.password.wipe()


def test_the_secret_panel_keeps_the_password_legible_when_long() -> None:
    """Long passwords drop help before size: 64 characters still print the groups unshrunk."""
    for length in (24, 64):
        sheet = dataclasses.replace(sample_sheet(), password=password(length))
        pdf, _layout = credential_sheet_layout(sheet)
        group = next(w for w in words(pdf) if w.text == sheet.password.groups(4)[0])
        assert group.bottom - group.top > 17, (length, group)  # 19-21 pt type, unshrunk
        sheet.password.wipe()


# ---------------------------------------------------------------------------------------------
# The security key: the contents line and the steps say the same thing


@pytest.mark.parametrize("serials", [("YK5-23981144",), ()], ids=["key-listed", "no-serial"])
@pytest.mark.parametrize("inside", [True, False], ids=["policy-inside", "policy-outside"])
def test_the_token_line_agrees_with_the_steps(inside: bool, serials: tuple[str, ...]) -> None:
    sheet = dataclasses.replace(sample_sheet(), token_in_envelope=inside, token_serials=serials)
    text = text_of(render(sheet))
    contents = text.split("IN THIS ENVELOPE", 1)[1].split("BEFORE YOU SEAL", 1)[0]
    steps = text.split("BEFORE YOU SEAL", 1)[1]

    contents_say_inside = "and the account's FIDO2 security key" in contents
    steps_say_inside = "together with the security key" in steps
    assert contents_say_inside == steps_say_inside == inside, (contents, steps)
    assert "Nothing else goes in the envelope" in steps
    assert ("This sheet only." in contents) is not inside
    for serial in serials:
        assert serial in contents
    if serials and not inside:
        assert "kept outside this envelope" in contents
        assert "the security key stays outside it" in steps
    if not serials and inside:
        assert "if it has one" in contents  # the terminal does not know it: written by hand
    assert "(in envelope)" not in text
    sheet.password.wipe()


def test_the_sample_sheet_follows_the_default_policy() -> None:
    sheet = sample_sheet()
    assert sheet.token_in_envelope is POLICY.token_in_envelope is False
    text = text_of(render(sheet))
    assert "kept outside this envelope" in text and "together with the security key" not in text
    sheet.password.wipe()


# ---------------------------------------------------------------------------------------------
# The envelope label


def test_the_label_names_account_id_and_system_never_the_username() -> None:
    sheet, label = sample_sheet(), sample_label()
    label = dataclasses.replace(label, meta=dataclasses.replace(label.meta, sample=False))
    assert label.account_id == sheet.account  # the same account, by the id the terminal asks
    assert "username" not in {f.name for f in dataclasses.fields(EnvelopeLabel)}
    found = words(render(label))
    tokens = [w.text for w in found]
    assert label.account_id in tokens
    assert " ".join(label.system.split()) in " ".join(tokens)
    flat = " ".join(tokens)
    local_part = sheet.username.split("@")[0]
    assert sheet.username not in flat and local_part not in flat and "@" not in flat
    # The account id is the largest type on the label (the one thing read from a shelf).
    ident = next(w for w in found if w.text == label.account_id)
    assert ident.bottom - ident.top >= 24
    assert ident.bottom - ident.top == max(w.bottom - w.top for w in found)
    sheet.password.wipe()


LONG_ID = "emergency-breakglass-global-administrator-tenant-contoso-emea-01"
SPACED_ID = "Emergency access account of the Contoso EMEA production tenant 01"
LONG_SYSTEM = (
    "Microsoft Entra ID tenant contoso-emea-production.onmicrosoft.com (Europe West) "
    "identity and access platform of the Contoso group"
)


@pytest.mark.parametrize("account_id", [LONG_ID, SPACED_ID, "entra-bg-01"])
@pytest.mark.parametrize("system", [LONG_SYSTEM, "Microsoft Entra ID"])
def test_the_label_breaks_lines_only_between_words(account_id: str, system: str) -> None:
    label = dataclasses.replace(sample_label(), account_id=account_id, system=system)
    pdf = render(label)
    tokens = [w.text for w in words(pdf)]
    # Every word is printed whole: a word cut at a line end would be two tokens.
    for word in (*account_id.split(), *system.split()):
        assert word in tokens, f"{word!r} was broken across lines"
    # And each name's lines, joined with spaces, give the name back in order.
    text = " ".join(lines_of(pdf))
    assert account_id in text and system in text
    # A single long word is shrunk to fit on one line, never cut.
    if " " not in account_id:
        assert account_id in lines_of(pdf)


def test_the_break_check_sees_a_word_cut_at_a_line_end() -> None:
    """Control: the check above catches a mid-word break (the old label's fault)."""
    register_fonts()
    splitting = ParagraphStyle("n", fontName=SANS_BOLD, fontSize=17, leading=21)
    story = [Table([[para(LONG_ID, splitting)]], colWidths=[100 * mm])]
    tokens = [w.text for w in words(build(sample_label(), story))]
    assert LONG_ID not in tokens
