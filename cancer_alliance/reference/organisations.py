"""Organisation codes checked against the store's organisation reference data.

One rule for every place a code is given (``ingest --provider``, the upload form and the
API, ``users add --org``, ``tokens add --provider``): a well-formed ODS code, and, when the
store holds organisation reference data, an organisation of the expected type in it. A
store with no organisations loaded yet (a fresh store, before ``reference load
organisations``) checks the shape only, so that set-up can begin; once any organisation is
loaded every code is checked.
"""

from __future__ import annotations

import re

import duckdb

from cancer_alliance.errors import UsageError

ODS_RE = re.compile(r"^[A-Z0-9]{3}([A-Z0-9]{2})?$")


def organisations(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Organisation code -> type (``PROVIDER``, ``COMMISSIONER`` ...) from the store."""
    return dict(con.execute("SELECT org_code, org_type FROM organisations").fetchall())


def check_organisation(code: str | None, known: dict[str, str] | None, org_type: str,
                       what: str = "organisation") -> None:
    """A UsageError unless ``code`` is an ODS code and, when ``known`` is not empty, an
    organisation of type ``org_type`` in it. Messages show at most 20 characters of a bad
    code (a mistyped field can hold anything)."""
    if not ODS_RE.match(code or ""):
        shown = (code or "")[:20]
        raise UsageError(f'{what} "{shown}" is not an ODS code of 3 or 5 letters or digits')
    if not known or known.get(code) == org_type:
        return
    if code in known:
        raise UsageError(f'{what} "{code}" is a {known[code].lower()} in the reference data, '
                         f"not a {org_type.lower()}")
    raise UsageError(f'{what} "{code}" is not an organisation of the reference data; check '
                     "the code, or load the organisations reference first "
                     "(cancer-alliance reference load organisations FILE)")
