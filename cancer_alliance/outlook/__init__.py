"""Looking ahead: demand forecasts, breach risk, and pathway scenarios (issue 17).

Layer: after ``metrics`` (it reads the same standards, outcomes and tracking list), before
``operations``, ``reports`` and ``web``. Its modules, each with one job:

* :mod:`~cancer_alliance.outlook.working_days`: working days in a month (England);
* :mod:`~cancer_alliance.outlook.series`: the monthly series to forecast, complete months only;
* :mod:`~cancer_alliance.outlook.forecast`: forecasts with prediction intervals and their
  rolling-origin backtest against a seasonal-naive baseline;
* :mod:`~cancer_alliance.outlook.breach_risk`: the probability that an open pathway on the
  tracking list breaches 62 (and 28) days;
* :mod:`~cancer_alliance.outlook.scenarios`: scenario files (TOML) and their validation;
* :mod:`~cancer_alliance.outlook.simulation`: the pathway simulation (SimPy), replications
  and intervals;
* :mod:`~cancer_alliance.outlook.simulation_fit`: the baseline scenario fitted from the store;
* :mod:`~cancer_alliance.outlook.simulation_check`: the baseline against the months it was
  fitted on.

Heavy libraries (statsforecast, lifelines) are imported inside these modules only, so
nothing else in the platform pays their import cost.
"""
