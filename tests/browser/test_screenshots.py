"""The docs' screenshots can be produced (issue 16): ``scripts/screenshots.py`` serves the
generator's small demo alliance, logs in as every role and shoots each landing page, the
62-day page and the tracking list at 1440 px and 390 px. Each shot waits for its page's key
element and refuses a page showing an NHS number outside the fictitious 999 range."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from _stores import demo_store
from PIL import Image

pytestmark = pytest.mark.browser

SCRIPT = Path(__file__).parents[2] / "scripts" / "screenshots.py"


def _script():
    spec = importlib.util.spec_from_file_location("screenshots_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_every_screenshot_is_produced(browser, tmp_path, tmp_path_factory):
    shots = _script()
    with shots.serving(demo_store(tmp_path_factory)) as (server, accounts):
        written = shots.shoot(browser, server, tmp_path, accounts)
    names = {p.name for p in written}
    expected = {f"{role}-landing-{w}.png" for role in shots.ROLES for w in ("1440", "390")}
    expected |= {f"{page}-{w}.png" for page in ("analyst-62-day", "provider-ptl")
                 for w in ("1440", "390")}
    assert names == expected
    for path in written:
        with Image.open(path) as img:
            assert img.width == int(path.stem.rsplit("-", 1)[1]), path.name
            assert img.mode == "P"  # palette: small files for the docs
            colours = img.getcolors(maxcolors=256)
            assert colours is not None and len(colours) > 8, f"{path.name} looks blank"


def test_a_real_looking_nhs_number_refuses_the_shot():
    shots = _script()
    assert shots.check_nhs_numbers("9990303878 and 999 030 3878; RA1000693464", "x") == 2
    with pytest.raises(shots.RealNumberOnPage) as err:
        shots.check_nhs_numbers("patient 4010232137", "ptl")
    assert "4010232137" not in str(err.value)
