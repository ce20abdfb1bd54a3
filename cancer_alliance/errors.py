"""Errors a user can see, each with its exit code, in one place.

The command line prints ``str(error)`` without a traceback and exits with ``exit_code``.
Messages name the file, row, column, value and rule where there is one, and never a
patient identifier.
"""

from __future__ import annotations


class AllianceError(Exception):
    """Base of every error meant for a user rather than a developer."""

    exit_code = 1


class UsageError(AllianceError, ValueError):
    """The command was asked for something that does not make sense."""

    exit_code = 2


class SubmissionRejected(AllianceError):
    """A whole submission could not be read; nothing was changed."""

    exit_code = 3


class NotFound(AllianceError, LookupError):
    """A submission, provider, standard or record that does not exist."""

    exit_code = 4


class PermissionDenied(AllianceError, PermissionError):
    """The user's role or scope does not allow this."""

    exit_code = 5


class StoreBusy(AllianceError):
    """Another process held the store for longer than this one would wait; nothing changed."""

    exit_code = 6
