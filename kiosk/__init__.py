"""Sealroom's domain core: journal, policy, state, procedures, export and verify.

Nothing here imports Qt or talks to a device; ``hardware/`` implements the
small interfaces this package defines, and ``ui/`` renders its flows.
"""
