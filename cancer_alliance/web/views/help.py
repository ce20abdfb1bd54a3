"""Help: what the figures, icons and charts mean, in plain words, for every reader.

Open to everyone (the public page links here instead of to pages behind a login). The
icons are drawn by the same :mod:`cancer_alliance.web.mdc` functions the tables use, so
the key can never disagree with what a page shows.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from cancer_alliance import labels
from cancer_alliance.web import mdc
from cancer_alliance.web.deps import render, require

router = APIRouter()


@router.get("/help", include_in_schema=False)
def help_page(request: Request, actor=Depends(require("view_aggregate"))):
    return render(request, "help.html", title="Help: reading the figures",
                  variations=list(mdc.VARIATION), assurances=list(mdc.ASSURANCE),
                  half_note=labels.HALF_NOTE)
