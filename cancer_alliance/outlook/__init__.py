"""Looking ahead: forecasts, breach risk, capacity against demand and pathway scenarios.

Each module has one job; see docs/explanation/scenarios.md for the simulation.
"""
