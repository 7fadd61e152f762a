"""Tamper-evident audit log: every staff change (and every read of legal data) is one event."""
