"""Errors shared by the command line and the services."""

from __future__ import annotations


class CommandError(Exception):
    """A user-facing failure: printed as one line, exit status 1."""
