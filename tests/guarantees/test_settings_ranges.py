"""Issue 16 item 3: `guarantees assess --salience USA=5` (the help says 0-1) made
honouring certain; values outside their documented range are refused."""

from __future__ import annotations

import pytest

from tests.conftest import run_cli


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ("--salience=USA=5", "salience.USA: Input should be less than or equal to 1"),
        ("--salience=USA=-0.1", "salience.USA: Input should be greater than or equal to 0"),
        ("--salience=USA=nan", "salience.USA: Input should be a finite number"),
        ("--troops=USA=-100", "troops.USA: Input should be greater than or equal to 0"),
    ],
)
def test_out_of_range_settings_are_refused(option: str, message: str) -> None:
    r = run_cli("guarantees", "assess", option)
    assert r.returncode == 2
    assert message in r.stderr
    assert "Traceback" not in r.stderr and r.stdout == ""
