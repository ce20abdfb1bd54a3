"""Patient flow: where each commissioner's residents are first seen and treated, and IPTs.

Computed from the pathway data as counts only (no patient rows leave this module), so
footprints and partnerships can be designed around real flows. A commissioner whose residents
are mostly seen by providers of another system (ICS) shows up as a misalignment.
"""

from __future__ import annotations

from cancer_alliance.operations.db import rows

MISALIGNED_SHARE = 0.2  # more than this share of first-seen activity outside the system


def first_seen_flows(con) -> list[dict]:
    return rows(con, """
        SELECT commissioner_code, first_seen_provider_code AS provider_code, count(*) AS pathways
        FROM pathways WHERE first_seen_provider_code IS NOT NULL
        GROUP BY ALL ORDER BY commissioner_code, pathways DESC""")


def treatment_flows(con) -> list[dict]:
    return rows(con, """
        SELECT commissioner_code, first_treatment_provider_code AS provider_code,
               count(*) AS pathways
        FROM pathways WHERE first_treatment_provider_code IS NOT NULL
        GROUP BY ALL ORDER BY commissioner_code, pathways DESC""")


def transfers(con) -> list[dict]:
    """Inter-provider transfers: referring provider -> treating provider, with counts."""
    return rows(con, """
        SELECT coalesce(transfer_from_provider_code, first_seen_provider_code) AS from_provider,
               first_treatment_provider_code AS to_provider, count(*) AS pathways
        FROM pathways
        WHERE first_treatment_provider_code IS NOT NULL
          AND coalesce(transfer_from_provider_code, first_seen_provider_code)
              <> first_treatment_provider_code
        GROUP BY ALL ORDER BY pathways DESC""")


def _system_of(con) -> dict[str, str]:
    """Organisation -> its system (ICS/ICB): alliance_members.system_code, else parent_code."""
    out = {r["org_code"]: r["parent_code"] for r in rows(
        con, "SELECT org_code, parent_code FROM organisations WHERE parent_code IS NOT NULL")}
    for r in rows(con, "SELECT org_code, system_code FROM alliance_members"
                       " WHERE system_code IS NOT NULL"):
        out[r["org_code"]] = r["system_code"]
    return out


def misalignments(con, threshold: float = MISALIGNED_SHARE) -> list[dict]:
    """Commissioners with more than ``threshold`` of first-seen activity outside their system."""
    system = _system_of(con)
    acc: dict[str, list[int]] = {}
    for f in first_seen_flows(con):
        c_sys = system.get(f["commissioner_code"])
        p_sys = system.get(f["provider_code"])
        a = acc.setdefault(f["commissioner_code"], [0, 0])
        a[0] += f["pathways"]
        if c_sys and p_sys and c_sys != p_sys:
            a[1] += f["pathways"]
    out = []
    for c, (total, outside) in sorted(acc.items()):
        share = outside / total if total else 0.0
        out.append({"commissioner_code": c, "system_code": system.get(c), "pathways": total,
                    "outside_system": outside, "share_outside": share,
                    "misaligned": share > threshold})
    return out
