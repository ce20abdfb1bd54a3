"""Small generator runs shared by the generator tests (made once per test worker)."""

from __future__ import annotations

import pytest

from cancer_alliance.generate import generate

RUN = {"scale": "small", "start": "2024-01", "months": 4, "seed": 11}


@pytest.fixture(scope="session")
def clean_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("clean")
    return out, generate(out, **RUN)


@pytest.fixture(scope="session")
def dirty_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("dirty")
    return out, generate(out, dirty=0.03, **RUN)
