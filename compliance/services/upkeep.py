"""Upkeep of what the app derives: the stored register's years ahead."""

from .. import register


def do_extend_register(today=None) -> int:
    """Store the fiscal-year duties of the years coming into view (daily beat task)."""
    return register.extend(today)
