"""Reference data: what the platform ships, and what users load for their own alliance.

Shipped in ``reference/data/``: cancer types, tumour groups (with the rare and less common
and stageable flags) and the ICD-10 to tumour-group map (longest prefix wins). Loaded by
users (or by the synthetic generator's output): alliances, organisations, the LSOA to IMD
lookup and populations.
"""

from cancer_alliance.reference.loaders import (
    KINDS,
    load_reference_data,
    load_reference_file,
    tumour_group_for,
)

__all__ = ["KINDS", "load_reference_data", "load_reference_file", "tumour_group_for"]
