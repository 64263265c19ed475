"""The gate of `python3 dev.py check` (CONTRIBUTING.md, "Before you commit"): its type-error
baseline only shrinks, and its configuration holds the rule sets the project agreed on."""

import tomllib
from pathlib import Path

import dev

ROOT = Path(__file__).resolve().parents[1]
# The number of known type errors when the gate was introduced. Lower it as errors are fixed;
# never raise it: a new type error is fixed, not listed.
BASELINE_CAP = 185


def _listed() -> list[str]:
    return [line for line in dev.MYPY_BASELINE.read_text().splitlines() if line and not line.startswith("#")]


def test_the_type_error_baseline_never_grows():
    listed = _listed()
    assert 0 < len(listed) <= BASELINE_CAP
    assert all(line.startswith("src/competenze/") and ": [" in line for line in listed), listed[:3]
    # No error of the kind the gate was introduced to remove.
    assert not [line for line in listed if "[union-attr]" in line]


def test_mypy_output_becomes_baseline_lines():
    line = 'src/competenze/x.py:12: error: "Writer" has no attribute "l"  [attr-defined]'
    match = dev.MYPY_ERROR.match(line)
    assert match is not None
    assert f"{match['path']}: [{match['code']}] {match['message']}" == (
        'src/competenze/x.py: [attr-defined] "Writer" has no attribute "l"'
    )
    assert dev.MYPY_ERROR.match("src/competenze/x.py:3: note: See https://mypy.rtfd.io") is None


def test_the_lint_and_type_configuration():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    lint = config["tool"]["ruff"]["lint"]
    assert {"E", "W", "F", "I", "B", "C4", "UP", "ARG", "PT", "RUF100", "T20", "S"} <= set(lint["select"])
    # print() is for the command line and the developer script only.
    assert "T20" not in lint["ignore"]
    assert {path for path, rules in lint["per-file-ignores"].items() if "T20" in rules} <= {
        "src/competenze/cli.py",
        "dev.py",
        "bench/*",
    }
    mypy = config["tool"]["mypy"]
    assert "pydantic.mypy" in mypy["plugins"]
    assert mypy["check_untyped_defs"] is True
    assert mypy["files"] == ["src"]
