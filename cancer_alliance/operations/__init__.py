"""Running the alliance: governance, delivery plan, trajectories, transformation funding,
patient voice and what works, joined to the same figures as the dashboard.

Modules: governance, plan, trajectories, funding (value framework and funding rules, pure),
bids (bids in the store), voice, initiatives (SPC rebased at go-live), flows (patient flow),
loaders (bulk CSV/xlsx), actuals (the one adapter to the metrics layer) and demo
(``seed_demo(con)``). The pages and forms are in :mod:`cancer_alliance.web.views.operations`
and :mod:`cancer_alliance.web.views.operations_forms`: this package imports nothing above it.
"""
