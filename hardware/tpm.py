"""The TPM 2.0 NV monotonic counter that witnesses the journal's head (``tpm2-pytss``).

Implements the core's :class:`kiosk.journal.witness.MonotonicCounter`. The
counter is an NV index of type *counter* (``TPM_NT_COUNTER``) at a fixed
handle in the owner's range, :data:`DEFAULT_INDEX`:

* it only goes up: no command sets it lower, and an index deleted and
  defined again starts at the highest value any counter on this TPM ever
  had, so deleting it cannot rewind it either;
* it is created without ``TPMA_NV_ORDERLY``, so every increment is written
  to the TPM's NV memory at once: a power cut never loses one, and never
  makes it jump (an orderly counter may jump forward after an unclean
  shutdown, which would read as a rollback). The terminal increments it once
  per journal write: a few thousand times in ten years, far below the NV
  endurance of a TPM;
* reading and incrementing need only the index's own (empty) authorization,
  with no dictionary-attack lockout (``TPMA_NV_NO_DA``), so a terminal
  running as an unprivileged user with access to ``/dev/tpmrm0`` can use it.

The TPM is reached through a TCTI: ``device:/dev/tpmrm0`` on a real machine
(the kernel's resource manager), ``swtpm:host=127.0.0.1,port=N`` in the tests
(a software TPM the test starts). Every failure is a
:class:`~kiosk.errors.DeviceError` with a code of the message table.
"""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path
from typing import Any, Final

from kiosk.errors import DeviceError

#: The NV index handle (TPM owner range 0x01000000-0x013FFFFF; "5EA1" for Sealroom).
DEFAULT_INDEX: Final = 0x0100_5EA1
#: The kernel's TPM resource manager.
DEVICE: Final = Path("/dev/tpmrm0")
_SIZE: Final = 8  # a counter is a 64-bit big-endian number


def _tss() -> Any:
    """The ``tpm2_pytss`` module, imported on first use (the verifier never needs it).

    Its C library logs TPM errors to stderr; they reach a person as
    :class:`DeviceError` instead, so its logging is turned off.
    """
    os.environ.setdefault("TSS2_LOG", "all+NONE")
    try:
        import tpm2_pytss
    except ImportError as exc:  # pragma: no cover - installed with the `tpm` extra
        raise DeviceError("tpm.failed", reason="tpm2-pytss is not installed") from exc
    return tpm2_pytss


class TpmCounter:
    """The journal's counter on one TPM, reached through ``tcti`` (``name:config``)."""

    def __init__(self, tcti: str, index: int = DEFAULT_INDEX) -> None:
        name, _, conf = tcti.partition(":")
        self._tcti = (name, conf or None)
        self._index = index
        self._esys: Any = None
        self._tr: Any = None
        self._lock = threading.Lock()

    @property
    def index(self) -> int:
        return self._index

    @property
    def tcti(self) -> str:
        name, conf = self._tcti
        return f"{name}:{conf}" if conf else name

    # ------------------------------------------------------------ plumbing
    def _context(self) -> Any:
        if self._esys is None:
            tss = _tss()
            try:
                self._esys = tss.ESAPI(tss.TCTILdr(*self._tcti))
            except Exception as exc:
                raise DeviceError(
                    "tpm.failed", reason=f"the TPM at {self.tcti} cannot be reached ({exc})"
                ) from exc
        return self._esys

    def _call(self, what: str, fn: Any, *args: Any) -> Any:
        try:
            return fn(*args)
        except DeviceError:
            raise
        except Exception as exc:
            raise DeviceError("tpm.failed", reason=f"{what}: {exc}") from exc

    def _handle(self, *, missing_ok: bool = False) -> Any:
        """The ESYS handle of the index, or ``None`` if it does not exist and ``missing_ok``."""
        if self._tr is not None:
            return self._tr
        tss = _tss()
        esys = self._context()
        try:
            self._tr = esys.tr_from_tpmpublic(self._index)
        except tss.TSS2_Exception as exc:
            if exc.rc & 0xFF == int(tss.constants.TPM2_RC.HANDLE) & 0xFF:
                if missing_ok:
                    return None
                raise DeviceError("tpm.missing", index=f"0x{self._index:08x}") from exc
            raise DeviceError("tpm.failed", reason=f"looking up the counter: {exc}") from exc
        public, _name = self._call(
            "reading the counter's definition", esys.nv_read_public, self._tr
        )
        nt = (int(public.nvPublic.attributes) & tss.TPMA_NV.TPM2_NT_MASK) >> int(
            tss.TPMA_NV.TPM2_NT_SHIFT
        )
        if nt != int(tss.TPM2_NT.COUNTER):
            self._tr = None
            raise DeviceError("tpm.failed", reason=f"NV index 0x{self._index:08x} is not a counter")
        return self._tr

    def _value(self) -> int:
        data = self._call("reading the counter", self._context().nv_read, self._handle(), _SIZE, 0)
        return int.from_bytes(bytes(data), "big")

    # ------------------------------------------------ MonotonicCounter
    def provision(self) -> int:
        """Define the counter if this TPM has none at the index yet; return its value.

        An index left by an earlier commissioning on this machine is taken
        over: it still only goes up, which is all the journal relies on.
        """
        tss = _tss()
        with self._lock:
            tr = self._handle(missing_ok=True)
            if tr is None:
                attrs = (
                    tss.TPMA_NV.AUTHWRITE
                    | tss.TPMA_NV.AUTHREAD
                    | tss.TPMA_NV.OWNERREAD
                    | tss.TPMA_NV.NO_DA
                    | (tss.TPM2_NT.COUNTER << tss.TPMA_NV.TPM2_NT_SHIFT)
                )
                public = tss.TPM2B_NV_PUBLIC(
                    nvPublic=tss.TPMS_NV_PUBLIC(
                        nvIndex=self._index,
                        nameAlg=tss.TPM2_ALG.SHA256,
                        attributes=attrs,
                        dataSize=_SIZE,
                    )
                )
                self._tr = self._call(
                    "defining the counter",
                    self._context().nv_define_space,
                    tss.TPM2B_AUTH(),
                    public,
                )
            public, _name = self._call(
                "reading the counter's definition", self._context().nv_read_public, self._tr
            )
            if not int(public.nvPublic.attributes) & int(tss.TPMA_NV.WRITTEN):
                # A counter can be read only once it was incremented.
                self._call("starting the counter", self._context().nv_increment, self._tr)
            return self._value()

    def read(self) -> int:
        with self._lock:
            return self._value()

    def increment(self) -> int:
        with self._lock:
            self._call("incrementing the counter", self._context().nv_increment, self._handle())
            return self._value()

    def close(self) -> None:
        with self._lock:
            if self._esys is not None:
                esys, self._esys, self._tr = self._esys, None, None
                with contextlib.suppress(Exception):  # a dead connection: nothing to close
                    esys.close()


def find_counter(tcti: str | None = None) -> TpmCounter | None:
    """This machine's TPM counter: through ``tcti`` if given, else ``/dev/tpmrm0`` if present.

    ``None`` when the machine has no TPM. Nothing is sent to the TPM yet.
    """
    if tcti:
        return TpmCounter(tcti)
    if DEVICE.exists():
        return TpmCounter(f"device:{DEVICE}")
    return None


__all__ = ["DEFAULT_INDEX", "DEVICE", "TpmCounter", "find_counter"]
