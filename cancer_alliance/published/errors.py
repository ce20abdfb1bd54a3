"""The user-facing error of published-data loading.

It subclasses :class:`~cancer_alliance.errors.SubmissionRejected` (exit code 3: the whole file
was refused and nothing changed) and always names file, row, column, value and rule.
Published CWT files hold organisation-level counts only, so no patient identifier can appear.
"""

from __future__ import annotations

from cancer_alliance.errors import SubmissionRejected


class PublishedFileRejected(SubmissionRejected):
    """A published CWT file that cannot be loaded; the store is left unchanged."""

    def __init__(
        self,
        file: str,
        rule: str,
        message: str,
        *,
        row: int | None = None,
        column: str | None = None,
        value: object = None,
    ) -> None:
        self.file, self.rule, self.row, self.column, self.value = file, rule, row, column, value
        where = file
        if row is not None:
            where += f", row {row}"
        if column is not None:
            where += f", column {column}"
        if value is not None:
            where += f", value {str(value)!r}"
        super().__init__(f"{where}: {message} (rule: {rule})")
