"""The import check of scripts/check-imports: the tree passes, each kind of wrong arrow fails."""

from __future__ import annotations

from pathlib import Path
import shutil
import subprocess
import sys

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHECK = ROOT / "scripts" / "check-imports"
PACKAGE = ROOT / "custom_components" / "telco"


def run_check(source: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 (our own script, run by our interpreter)
        [sys.executable, str(CHECK), "--source", str(source)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_integration_imports_point_one_way() -> None:
    result = run_check(PACKAGE)
    assert result.returncode == 0, result.stdout
    assert "without cycles" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "error"),
    [
        (
            "model/items.py",
            "from ..operators.odorik import ODORIK",
            "items (model) imports operators.odorik (operator:odorik)",
        ),
        (
            "model/descriptions.py",
            "from ..sensor import TelcoSensor",
            "descriptions (model) imports sensor (top)",
        ),
        (
            "operators/odorik/entities.py",
            "from ..zadarma.numbers import zadarma_number",
            "operators.odorik.entities (operator:odorik) imports operators.zadarma.numbers",
        ),
        (
            "operators/zadarma/actions.py",
            "from .. import OPERATORS",
            "operators.zadarma.actions (operator:zadarma) imports operators (registry)",
        ),
        (
            "api/zadarma.py",
            "from homeassistant.core import HomeAssistant",
            "api/ imports homeassistant.core",
        ),
        (
            "model/coordinator.py",
            "if TYPE_CHECKING:\n    from .entity import TelcoEntity",
            "import cycle: model.coordinator <-> model.declaration",
        ),
    ],
)
def test_a_wrong_arrow_fails_the_check(tmp_path: Path, module: str, line: str, error: str) -> None:
    copy = tmp_path / "telco"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    path = copy / module
    path.write_text(
        path.read_text(encoding="utf-8") + f"\nfrom typing import TYPE_CHECKING\n{line}\n",
        encoding="utf-8",
    )
    result = run_check(copy)
    assert result.returncode == 1
    assert error in result.stdout


def test_no_module_outside_the_client_grows_past_450_lines() -> None:
    """A module that needs more is two things; the client library (api/) is exempt."""
    long = {
        str(path.relative_to(PACKAGE)): lines
        for path in PACKAGE.rglob("*.py")
        if "api" not in path.relative_to(PACKAGE).parts
        and (lines := len(path.read_text(encoding="utf-8").splitlines())) > 450
    }
    assert long == {}
