"""The seeded synthetic alliance: realistic monthly submissions in the dataset format.

``generate(out_dir, scale=..., start=..., months=..., seed=..., dirty=..., file_format=...)``
writes reference files, one folder per provider per month and a manifest; ``demo_folder`` is
the standard demo the ``demo`` command loads. See docs/explanation/synthetic-data.md for what
it is calibrated to.
"""

from cancer_alliance.generate.core import GenerationSummary, demo_folder, demo_months, generate

__all__ = ["GenerationSummary", "demo_folder", "demo_months", "generate"]
