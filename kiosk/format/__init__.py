"""The journal's format: canonical JSON, entries and the hash chain, every kind's payload.

See README.md.
"""
