"""Sealroom."""
