"""The simulated key's touch sensor: who touches it, and how the key waits for that touch.

Invariants:

* Touch is the owner's :data:`TouchCallback`; while it is pending the key sends
  KEEPALIVE(UPNEEDED) every ``keepalive_interval`` seconds, honours
  CTAPHID_CANCEL (-> CTAP2_ERR_KEEPALIVE_CANCEL) and gives up after
  ``touch_timeout`` (-> CTAP2_ERR_USER_ACTION_TIMEOUT), as real keys do.
* The callback runs on a thread of its own, so a person who never touches
  cannot block the key: when the key stops waiting it sets
  :attr:`TouchRequest.abandoned` and the callback may return.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from hardware.sim.ctap_command import ERR, STATUS_UPNEEDED, CommandContext, CtapFailure

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TouchRequest:
    """What the key is asking a person to confirm by touch.

    ``abandoned`` is set when the key stops waiting (cancel, time-out), so a
    callback blocked on a button can return.
    """

    command: str
    rp_id: str | None
    abandoned: threading.Event


#: Owner-supplied touch sensor: True = touched, False = refused (the key
#: answers OPERATION_DENIED), None = not touched (the key waits until time-out).
TouchCallback = Callable[[TouchRequest], bool | None]


def always_touch(request: TouchRequest) -> bool:
    """A person who touches the key at once (the default for tests)."""
    return True


class TouchButton:
    """A "touch key" button: :meth:`press` from any thread (the demo's UI button).

    A press before the key asks is kept for the next request, like a finger
    already resting on the key. Records how many touches were consumed.
    """

    def __init__(self) -> None:
        self._pressed = threading.Event()
        self.waiting = threading.Event()
        self.touches = 0

    def press(self) -> None:
        self._pressed.set()

    def __call__(self, request: TouchRequest) -> bool | None:
        self.waiting.set()
        try:
            while not request.abandoned.is_set():
                if self._pressed.wait(0.02):
                    self._pressed.clear()
                    self.touches += 1
                    return True
            return None
        finally:
            self.waiting.clear()


def wait_for_touch(
    ctx: CommandContext,
    touch: TouchCallback | None,
    command: str,
    rp_id: str | None,
    *,
    timeout: float,
    keepalive_interval: float,
) -> None:
    """Ask for a touch, sending KEEPALIVE(UPNEEDED) until touched, cancelled or timed out.

    ``touch`` None means no one is there to touch (the key waits until it
    times out): the negative tests' ``never_touched``.
    """
    abandoned = threading.Event()
    done = threading.Event()
    result: list[bool | None] = [None]

    def sensor(callback: TouchCallback) -> None:
        try:
            result[0] = callback(TouchRequest(command, rp_id, abandoned))
        except Exception:
            logger.exception("simulated touch callback failed")
            result[0] = False
        finally:
            done.set()

    if touch is not None:
        threading.Thread(target=sensor, args=(touch,), name="sim-touch", daemon=True).start()
    deadline = time.monotonic() + timeout
    try:
        while True:
            ctx.keepalive(STATUS_UPNEEDED)
            if ctx.cancelled.is_set():
                raise CtapFailure(ERR.KEEPALIVE_CANCEL)
            if done.is_set() and result[0] is not None:
                if result[0]:
                    return
                raise CtapFailure(ERR.OPERATION_DENIED)
            if time.monotonic() >= deadline:
                raise CtapFailure(ERR.USER_ACTION_TIMEOUT)
            waiter = ctx.cancelled if done.is_set() else done
            waiter.wait(keepalive_interval)
    finally:
        abandoned.set()
