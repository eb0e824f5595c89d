"""What a form on the flow screen knows beyond each field (issue 22).

* A field that applies only after another answer (``Field.applies``) is
  shown only then; when it stops applying its answer is cleared, so
  nothing hidden is ever submitted (the flow drops it too:
  :func:`kiosk.procedures.fields.applicable`).
* A custodian chosen in a ``custodian`` field fills the role field beside
  it (``declared_by`` → ``declared_by_role``) with the role registered at
  enrolment, when that role field is still empty.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from kiosk.procedures.fields import Field, applicable
from kiosk.state import State
from ui.screens.fields import FieldEditor


class FormLogic:
    """Keeps a step's editors showing what applies; see the module."""

    def __init__(
        self, editors: Mapping[str, FieldEditor], fields: Sequence[Field], state: State
    ) -> None:
        self.editors, self.fields, self.state = editors, tuple(fields), state
        self._busy = False
        for editor in editors.values():
            editor.listeners.append(self.changed)
        self.refresh()

    def answers(self) -> dict[str, Any]:
        return {n: v for n, e in self.editors.items() if (v := e.value()) is not None}

    def applies(self) -> set[str]:
        return applicable(self.fields, self.answers())

    def values(self) -> dict[str, Any]:
        """What is submitted: the answers of the fields that apply, nothing else."""
        applies = self.applies()
        return {n: v for n, v in self.answers().items() if n in applies}

    def changed(self, name: str) -> None:
        if self._busy:
            return
        self._role_of(name)
        self.refresh()

    def refresh(self) -> None:
        """Show what applies; clear (then hide) what stopped applying."""
        self._busy = True
        try:
            applies = self.applies()
            for name, editor in self.editors.items():
                shown = name in applies
                if editor.isHidden() != shown:
                    continue  # as it is: nothing to redo at every keystroke
                if not shown:
                    editor.clear()
                    editor.hide()
                else:
                    editor.show()
        finally:
            self._busy = False

    def _role_of(self, name: str) -> None:
        chosen = self.editors[name]
        role = self.editors.get(f"{name}_role")
        if chosen.kind != "custodian" or role is None or role.value() is not None:
            return
        custodian = self.state.custodians.get(str(chosen.value()))
        if custodian is not None and custodian.role:
            role.set_value(custodian.role)
