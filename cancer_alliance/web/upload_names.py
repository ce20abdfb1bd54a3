"""The one check of an uploaded file's name, for every upload form.

A file's name is chosen by whoever sends it, so it is checked before anything is read or
written and is never repeated in a message: it could be anything, an NHS number included.
A 300-character name once failed late (in the archive step of a submission, in the
temporary folder of an operations load): a 500, the name in the log, and files left
behind. Used by the pathway and capacity uploads (:mod:`.views.submissions`) and the
operations file load (:mod:`.views.operations_forms`).
"""

from __future__ import annotations

import re

from fastapi import HTTPException

from cancer_alliance.ingest.limits import LIMITS

MAX_NAME = 120  # characters in an uploaded file's name
KINDS = {".csv": "CSV", ".parquet": "Parquet", ".xlsx": "Excel"}


def _listed(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def upload_name(filename: str | None, suffixes: tuple[str, ...] = tuple(KINDS)) -> str:
    """The base name of an uploaded file ("" when none was chosen), or a 400 in fixed words.

    ``suffixes`` are the kinds the form accepts (each a key of :data:`KINDS`)."""
    name = (filename or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    if not name:
        return ""
    if len(name.encode("utf-8", "surrogatepass")) > LIMITS.max_file_name_bytes:
        raise HTTPException(400, f"A file name is longer than {LIMITS.max_file_name_bytes} "
                            "characters; rename the file.")
    allowed = "|".join(re.escape(s.lstrip(".")) for s in suffixes)
    pattern = rf"[\w][\w .()+-]{{0,{MAX_NAME - 9}}}\.({allowed})"
    if not re.fullmatch(pattern, name, re.IGNORECASE | re.ASCII):
        raise HTTPException(400, f"Each file must be {_listed([KINDS[s] for s in suffixes])} "
                            f"({_listed(list(suffixes))}), with a name of at most {MAX_NAME} "
                            "characters.")
    return name
