"""Looking ahead: demand forecasts and breach risk on the tracking list (issue 17).

Layer: after ``metrics`` (it reads the same standards, outcomes and tracking list), before
``operations``, ``reports`` and ``web``. Its modules, each with one job:

* :mod:`~cancer_alliance.outlook.working_days`: working days in a month (England);
* :mod:`~cancer_alliance.outlook.series`: the monthly series to forecast, complete months only;
* :mod:`~cancer_alliance.outlook.forecast`: forecasts with prediction intervals and their
  rolling-origin backtest against a seasonal-naive baseline;
* :mod:`~cancer_alliance.outlook.breach_risk`: the probability that an open pathway on the
  tracking list breaches 62 (and 28) days.

Heavy libraries (statsforecast, lifelines) are imported inside these modules only, so
nothing else in the platform pays their import cost.
"""
