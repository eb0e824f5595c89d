"""Credential sheets: each printed sheet, and which of them never printed (void).

Rules: only a sheet recorded as printed can be recorded as failed, once, with
the account, envelope and reference it was printed for; a void sheet is never
sealed in an envelope.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from kiosk.errors import TransitionError
from kiosk.format.entry import Entry

if TYPE_CHECKING:
    from kiosk.state.projection import State


@dataclass
class PrintedSheet:
    """A ``sheet.printed`` entry: the credential sheet its QR names."""

    seq: int
    hash: str
    account: str
    serial: str
    sheet_ref: str
    #: its printing failed (``sheet.print_failed``): it can never be sealed
    void: bool = False


def apply_printed(state: State, entry: Entry) -> None:
    data = entry.data
    state.sheets[entry.seq] = PrintedSheet(
        entry.seq, entry.hash, data["account"], data["serial"], data["sheet_ref"]
    )


def check_print_failed(state: State, entry: Entry) -> None:
    data = entry.data
    sheet = state.sheets.get(data["sheet_seq"])
    if sheet is None:
        raise TransitionError("transition.not_a_sheet", seq=data["sheet_seq"])
    if (sheet.account, sheet.serial, sheet.sheet_ref) != (
        data["account"],
        data["serial"],
        data["sheet_ref"],
    ):
        raise TransitionError(
            "transition.other_sheet",
            sheet_ref=sheet.sheet_ref,
            account=sheet.account,
            serial=sheet.serial,
        )
    if sheet.void:
        raise TransitionError("transition.sheet_void_twice", sheet_ref=sheet.sheet_ref)


def apply_print_failed(state: State, entry: Entry) -> None:
    state.sheets[entry.data["sheet_seq"]].void = True


def check_sheet_not_void(state: State, entry: Entry) -> None:
    """A sheet whose printing failed is void: no envelope may be sealed with it."""
    sheet_hash = entry.data.get("sheet")
    for sheet in state.sheets.values():
        if sheet.hash == sheet_hash and sheet.void:
            raise TransitionError("transition.sheet_void", sheet_ref=sheet.sheet_ref)
