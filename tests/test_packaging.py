"""The service installed as a wheel (as in the Docker image) finds its templates and migrations."""

import json
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_carries_templates_and_migrations_and_runs_from_them(tmp_path):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp_path / "dist"),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    wheel = next((tmp_path / "dist").glob("competenze-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "competenze/templates/errors/error.html" in names
    assert "competenze/migrations/env.py" in names
    assert any(n.startswith("competenze/migrations/versions/") for n in names)

    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
    )
    # Run from an unrelated directory, the installed copy first on the path: nothing may
    # be read from the repository.
    probe = f"""
import json, competenze
from competenze.migrate import upgrade
from competenze.resources import environment, resource_dir
upgrade("sqlite:///{tmp_path / "wheel.db"}")
html = environment().get_template("errors/error.html").render(status=404, title="t", detail="d")
print(json.dumps({{"package": competenze.__file__, "templates": str(resource_dir("templates")),
                  "rendered": "Errore 404" in html}}))
"""
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
        check=True,
    )
    report = json.loads(result.stdout)
    assert report["package"].startswith(str(target))
    assert report["templates"].startswith(str(target))
    assert report["rendered"]
