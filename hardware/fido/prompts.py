"""What a security-key operation needs from a person, independent of any UI.

In the style of python-fido2's ``UserInteraction`` and Electrum's
``QtHandlerBase``: the device code calls a :class:`Prompts` object from its
worker thread and blocks until the person answers; the Qt layer implements it
with dialogs (marshalled to the GUI thread), the CLI with ``getpass``, and
tests with :class:`ScriptedPrompts`. Cancelling at any moment is done with a
``threading.Event`` handed to the operation, not through this interface;
returning ``None`` from a PIN request also cancels.

Invariants:

* A PIN is returned to the caller and never stored here, logged or put in an
  exception; :class:`ScriptedPrompts` records *that* a PIN was asked for and
  with how many attempts left, never the PIN itself.
* Informational callbacks carry a message code of :mod:`kiosk.errors.messages` and
  its non-secret parameters, so every screen words things the same way.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol


class Prompts(Protocol):
    """The person in front of the key, as the device code sees them."""

    def request_pin(self, attempts_left: int | None) -> str | None:
        """Ask for the key's PIN; ``attempts_left`` when known. ``None`` cancels."""
        ...

    def request_new_pin(self) -> str | None:
        """Enrolment only: the key has no PIN; ask for a new one. ``None`` cancels."""
        ...

    def prompt_touch(self) -> None:
        """The key is blinking and waits for a touch."""
        ...

    def pin_blocked(self) -> None:
        """The key's PIN is blocked for good (too many wrong PINs)."""
        ...

    def notify(self, code: str, params: Mapping[str, Any]) -> None:
        """Something the person should read (a :mod:`kiosk.errors.messages` code)."""
        ...


class ScriptedPrompts:
    """Prompts answered from a script, for tests and the simulated demo.

    ``pins`` are returned in order by :meth:`request_pin` (then ``None`` =
    cancel); ``new_pins`` likewise by :meth:`request_new_pin`. ``on_touch`` is
    called at each touch prompt (a test can press a simulated button there).
    Every call is appended to :attr:`events` as ``(name, detail)``; a PIN is
    never recorded.
    """

    def __init__(
        self,
        pins: Iterable[str | None] = (),
        new_pins: Iterable[str | None] = (),
        on_touch: Callable[[], None] | None = None,
    ) -> None:
        self._pins = list(pins)
        self._new_pins = list(new_pins)
        self._on_touch = on_touch
        self._lock = threading.Lock()
        self.events: list[tuple[str, Any]] = []

    def _take(self, queue: list[str | None]) -> str | None:
        with self._lock:
            return queue.pop(0) if queue else None

    def request_pin(self, attempts_left: int | None) -> str | None:
        self.events.append(("request_pin", attempts_left))
        return self._take(self._pins)

    def request_new_pin(self) -> str | None:
        self.events.append(("request_new_pin", None))
        return self._take(self._new_pins)

    def prompt_touch(self) -> None:
        self.events.append(("prompt_touch", None))
        if self._on_touch is not None:
            self._on_touch()

    def pin_blocked(self) -> None:
        self.events.append(("pin_blocked", None))

    def notify(self, code: str, params: Mapping[str, Any]) -> None:
        self.events.append(("notify", (code, dict(params))))

    # -- conveniences for assertions in tests -------------------------------

    def names(self) -> list[str]:
        return [name for name, _ in self.events]

    def attempts_shown(self) -> list[int | None]:
        return [detail for name, detail in self.events if name == "request_pin"]

    def notices(self) -> list[str]:
        return [detail[0] for name, detail in self.events if name == "notify"]
