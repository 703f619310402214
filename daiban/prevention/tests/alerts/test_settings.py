"""The early-warning thresholds are read from the environment at start; a value that would alert on
everything (or never make sense) stops the start, naming the variable."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

import daiban

SETTINGS = Path(daiban.__file__).parent / "settings.py"


def _load(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, **env: str) -> dict[str, object]:
    """Run the settings module afresh (not Django's loaded copy) with ``env`` set."""
    monkeypatch.setenv("DAIBAN_DEBUG", "1")  # no secrets needed for the demo defaults
    monkeypatch.setenv("DAIBAN_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("DAIBAN_ENV_FILE", str(tmp_path / "none.env"))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS))


def test_defaults_and_good_values_load(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    loaded = _load(monkeypatch, tmp_path)
    assert (loaded["WARN_VISITS"], loaded["WARN_GROUP_SIZE"], loaded["WARN_SURGE_MIN"]) == (3, 5, 3)
    assert loaded["WARN_SURGE_FACTOR"] == 2.0
    loaded = _load(monkeypatch, tmp_path, DAIBAN_WARN_SURGE_FACTOR="1.5", DAIBAN_WARN_VISITS="1")
    assert (loaded["WARN_SURGE_FACTOR"], loaded["WARN_VISITS"]) == (1.5, 1)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DAIBAN_WARN_VISITS", "0"),
        ("DAIBAN_WARN_VISITS", "-2"),
        ("DAIBAN_WARN_GROUP_SIZE", "0"),
        ("DAIBAN_WARN_SURGE_MIN", "0"),
        ("DAIBAN_WARN_VISITS_DAYS", "0"),
        ("DAIBAN_WARN_LOOKBACK_DAYS", "0"),
        ("DAIBAN_WARN_SURGE_FACTOR", "1"),
        ("DAIBAN_WARN_SURGE_FACTOR", "0.5"),
        ("DAIBAN_WARN_SURGE_FACTOR", "nan"),
        ("DAIBAN_WARN_SURGE_FACTOR", "两倍"),
        ("DAIBAN_WARN_GROUP_SIZE", "five"),
    ],
)
def test_a_bad_threshold_stops_the_start(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str, value: str
) -> None:
    with pytest.raises(ImproperlyConfigured, match=name):
        _load(monkeypatch, tmp_path, **{name: value})
