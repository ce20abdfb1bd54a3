"""Small alliance scenarios written in code, for the simulation tests."""

from __future__ import annotations

from cancer_alliance.outlook.scenarios import ANY, DAYS_PER_MONTH, Scenario, Stream, month_index

PROBS = (0.0, 1.0)


def fixed(days: float) -> tuple[float, float]:
    """A step that always takes ``days``."""
    return (float(days), float(days))


def one_stage(arrivals_per_day: float, slots_per_day: int, months: int = 0) -> Scenario:
    """Referrals with no delays that queue only for CT at one trust (K slots a day)."""
    return Scenario(
        name="one-stage", description="", start=month_index("2025-01"), warmup_months=6,
        seed=7, growth_per_year=0.0, reference_month=month_index("2025-01"),
        seasonality=(1.0,) * 12,
        streams=[Stream("RAA", "LUNG", arrivals_per_day * DAYS_PER_MONTH, 0.0)],
        diagnostic_mix={"LUNG": {"CT": 1.0}}, quantile_probs=PROBS,
        durations={(ANY, ANY, step): fixed(0) for step in (
            "first_appointment", "diagnostics", "decision", "treatment")},
        capacity={("RAA", "CT"): float(slots_per_day)},
    )


def two_trusts(ct_per_day: float = 11.0) -> Scenario:
    """Two trusts: RAA's CT is short (demand about 12 a day), RBB's ample; lung and lower GI
    referrals with fitted-looking step durations, cancers treated at either trust."""
    durations = {
        (ANY, ANY, "first_appointment"): (2.0, 5.0, 9.0, 30.0),
        (ANY, ANY, "diagnostics"): (6.0, 12.0, 18.0, 60.0),
        (ANY, ANY, "diagnostics_cancer"): (8.0, 16.0, 24.0, 90.0),
        (ANY, ANY, "decision"): (1.0, 5.0, 9.0, 40.0),
        (ANY, ANY, "treatment"): (2.0, 8.0, 14.0, 50.0),
    }
    mix = {"SURGERY": 0.5, "ANTICANCER_DRUG": 0.3, "ACTIVE_MONITORING": 0.2}
    return Scenario(
        name="two-trusts", description="", start=month_index("2025-01"), warmup_months=4,
        seed=11, growth_per_year=0.05, reference_month=month_index("2025-01"),
        seasonality=(1.0,) * 12,
        streams=[
            Stream("RAA", "LUNG", 300.0, 0.15, mix, {"RAA": 0.8, "RBB": 0.2}),
            Stream("RAA", "LOWER_GI", 250.0, 0.05, mix, {"RAA": 1.0}),
            Stream("RBB", "LUNG", 200.0, 0.15, mix, {"RBB": 1.0}),
            Stream("RBB", "LOWER_GI", 220.0, 0.05, mix, {"RBB": 1.0}),
        ],
        diagnostic_mix={"LUNG": {"CT": 1.0}, "LOWER_GI": {"COLONOSCOPY": 0.7, "CT": 0.3}},
        quantile_probs=(0.0, 0.5, 0.9, 1.0), durations=durations,
        capacity={("RAA", "CT"): ct_per_day, ("RBB", "CT"): 12.0,
                  ("RAA", "COLONOSCOPY"): 7.0, ("RBB", "COLONOSCOPY"): 6.5,
                  ("RAA", "FIRST_APPOINTMENT"): 20.0, ("RBB", "FIRST_APPOINTMENT"): 16.0},
    )
