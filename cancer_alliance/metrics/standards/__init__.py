"""The registry of standards: one module per standard, each defining ``DEFINITION``."""

from __future__ import annotations

from cancer_alliance.metrics.definition import Era, StandardDefinition
from cancer_alliance.metrics.standards import (
    faster_diagnosis,
    sixty_two_day_backlog,
    sixty_two_day_combined,
    sixty_two_day_screening,
    sixty_two_day_upgrade,
    sixty_two_day_usc,
    thirty_one_day_combined,
    thirty_one_day_first,
    thirty_one_day_subsequent_drug,
    thirty_one_day_subsequent_radiotherapy,
    thirty_one_day_subsequent_surgery,
    two_week_wait_breast_symptomatic,
    two_week_wait_usc,
)

_MODULES = (
    two_week_wait_usc,
    two_week_wait_breast_symptomatic,
    faster_diagnosis,
    thirty_one_day_first,
    thirty_one_day_subsequent_surgery,
    thirty_one_day_subsequent_drug,
    thirty_one_day_subsequent_radiotherapy,
    sixty_two_day_usc,
    sixty_two_day_screening,
    sixty_two_day_upgrade,
    thirty_one_day_combined,
    sixty_two_day_combined,
    sixty_two_day_backlog,
)

#: code -> definition, in the order pages and tables list them.
STANDARDS: dict[str, StandardDefinition] = {m.DEFINITION.code: m.DEFINITION for m in _MODULES}

#: Completed-waits standards (every code but the open-pathway backlog).
COMPLETED = tuple(c for c, d in STANDARDS.items() if d.era != Era.OPEN)
