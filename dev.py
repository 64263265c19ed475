#!/usr/bin/env python3
"""The two commands of a fresh clone, with nothing but Python 3.11+ installed:

    python3 dev.py run     install, migrate a SQLite database under var/, generate signing
                           keys if missing, seed the demo network, serve on 127.0.0.1:8000
    python3 dev.py test    install, run the whole test suite (arguments go to pytest)

and, for maintainers:

    python3 dev.py check   lint (ruff check), formatting (ruff format --check) and types
                           (mypy, against mypy-baseline.txt); .ci/run runs it first
    python3 dev.py lock    re-resolve requirements/*.lock from the ranges in pyproject.toml

Standard library only: this file runs before anything is installed. Everything goes into
.venv/ beside it; exact versions (transitive ones too) come from requirements/*.lock, so every
machine installs the same packages.
"""

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / "python"
LOCKS = {"run": ROOT / "requirements" / "run.lock", "test": ROOT / "requirements" / "test.lock"}


def say(message: str) -> None:
    print(f"dev.py: {message}", flush=True)


def check_python() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 (this runs on whatever python3 a machine has)
        sys.exit(f"dev.py: Python 3.11 or newer is needed (this is {sys.version.split()[0]})")


def ensure_venv() -> None:
    if PYTHON.exists():
        return
    say(f"creating {VENV.relative_to(ROOT)}")
    try:
        venv.EnvBuilder(with_pip=True).create(VENV)
    except Exception as exc:  # Debian/Ubuntu ship venv's pip support separately
        sys.exit(
            f"dev.py: could not create a virtual environment ({exc}); on Debian or Ubuntu "
            "install the python3-venv package first"
        )


def install(profile: str) -> None:
    """Install the locked dependencies and the project itself, once per lock change."""
    ensure_venv()
    lock = LOCKS[profile]
    stamp_file = VENV / f".installed-{profile}"
    digest = hashlib.sha256(lock.read_bytes() + (ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp_file.exists() and stamp_file.read_text() == digest:
        return
    say(f"installing locked dependencies ({lock.relative_to(ROOT)})")
    pip = [str(PYTHON), "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "install", "-r", str(lock)], check=True)
    # --no-deps: the lock already holds every dependency, at the locked version.
    subprocess.run([*pip, "install", "--no-deps", "-e", str(ROOT)], check=True)
    stamp_file.write_text(digest)


# Debian packages the test suite drives as real outside tools: poppler-utils gives pdftotext
# (the PDF tests read what a user would copy out of the dossier), chromium the real browser
# the page tests drive through Playwright.
SYSTEM_TOOLS = {"pdftotext": "poppler-utils", "chromium": "chromium", "zbarimg": "zbar-tools"}


def ensure_system_tools() -> None:
    missing = sorted({package for tool, package in SYSTEM_TOOLS.items() if shutil.which(tool) is None})
    if not missing:
        return
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        sys.exit(
            f"dev.py: the tests need {', '.join(missing)} (Debian/Ubuntu packages); install them, "
            "or run this command as root so it can"
        )
    say(f"installing {', '.join(missing)} with apt-get")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if subprocess.run(["apt-get", "install", "-y", "-q", *missing], env=env).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], env=env, check=True)
        subprocess.run(["apt-get", "install", "-y", "-q", *missing], env=env, check=True)


def competenze(*args: str, env: dict[str, str], capture: bool = False) -> str:
    result = subprocess.run(
        [str(BIN / "competenze"), *args],
        env=env,
        check=True,
        cwd=ROOT,
        text=True,
        stdout=subprocess.PIPE if capture else None,
    )
    return result.stdout or ""


def run(argv: list[str]) -> int:
    install("run")
    env = {**os.environ}
    env.setdefault("COMPETENZE_DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'competenze.db'}")
    env.setdefault("COMPETENZE_KEYS_DIR", str(ROOT / "var" / "keys"))
    host = env.get("COMPETENZE_HOST", "127.0.0.1")
    port = env.get("COMPETENZE_PORT", "8000")
    # Dossiers name their issuer and verification address: this server, unless told otherwise.
    env.setdefault("COMPETENZE_ISSUER", f"http://{host}:{port}")
    competenze("migrate", env=env)
    competenze("keys", "generate", "--if-missing", env=env)
    competenze("demo", env=env)
    demo = json.loads(competenze("demo", "--json", env=env, capture=True))
    user = next(u for u in demo["users"] if u["email"].startswith("counsellor.bologna"))
    base = f"http://{host}:{port}"
    print(
        f"""
Try the API as the Bologna counsellor:

  TOKEN=$(curl -s {base}/api/v1/auth/token -d grant_type=password \\
          -d username={user["email"]} -d password={user["password"]} \\
          | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
  curl -s -H "Authorization: Bearer $TOKEN" {base}/api/v1/participants

API documentation: {base}/docs    Stop with Ctrl-C.
""",
        flush=True,
    )
    os.execve(str(BIN / "competenze"), [str(BIN / "competenze"), "serve", "--host", host, "--port", port, *argv], env)
    return 0  # not reached


def test(argv: list[str]) -> int:
    install("test")
    ensure_system_tools()
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run([str(PYTHON), "-m", "pytest", *argv], cwd=ROOT, env=env).returncode


MYPY_BASELINE = ROOT / "mypy-baseline.txt"
MYPY_ERROR = re.compile(r"^(?P<path>[^:]+):\d+: error: (?P<message>.*?)  \[(?P<code>[a-z-]+)\]$")


def mypy_findings() -> tuple[int, list[str]]:
    """(mypy's exit status, its errors as baseline lines: "path: [code] message", no line numbers)."""
    result = subprocess.run(
        [str(PYTHON), "-m", "mypy", "--no-error-summary", "--no-pretty"], cwd=ROOT, text=True, capture_output=True
    )
    found = [
        f"{m['path']}: [{m['code']}] {m['message']}" for m in map(MYPY_ERROR.match, result.stdout.splitlines()) if m
    ]
    return result.returncode, found


def check(argv: list[str]) -> int:
    """The gate before the tests. mypy-baseline.txt lists the type errors that existed when the
    gate was introduced; a new one fails, and so does a fixed one still listed (the baseline
    only shrinks: `python3 dev.py check --shrink-baseline` writes it without the fixed ones)."""
    install("test")
    failed = False
    for command in (["ruff", "check", "."], ["ruff", "format", "--check", "."]):
        say(" ".join(command))
        failed |= subprocess.run([str(BIN / command[0]), *command[1:]], cwd=ROOT).returncode != 0
    say("mypy (against mypy-baseline.txt)")
    status, found = mypy_findings()
    if status not in (0, 1):  # 2: mypy itself could not run (a configuration or syntax error)
        say(f"mypy could not run (exit status {status}); run .venv/bin/mypy to see why")
        return 1
    listed = [line for line in MYPY_BASELINE.read_text().splitlines() if line and not line.startswith("#")]
    new, fixed = list(found), []
    for line in listed:
        if line in new:
            new.remove(line)
        else:
            fixed.append(line)
    for line in new:
        print(f"new type error: {line}")
    if fixed and "--shrink-baseline" in argv:
        # Only what is fixed leaves; nothing new ever enters.
        header = [line for line in MYPY_BASELINE.read_text().splitlines() if line.startswith("#")]
        kept = list(listed)
        for line in fixed:
            kept.remove(line)
        MYPY_BASELINE.write_text("\n".join(header + sorted(kept)) + "\n")
        say(f"removed {len(fixed)} fixed error(s) from {MYPY_BASELINE.name}")
    elif fixed:
        for line in fixed:
            print(f"fixed, still in the baseline: {line}")
        say("run `python3 dev.py check --shrink-baseline` to take the fixed ones out of the baseline")
        failed = True
    failed |= bool(new)
    say("check failed" if failed else f"check passed ({len(listed) - len(fixed)} known type errors left)")
    return 1 if failed else 0


def lock(_argv: list[str]) -> int:
    """Resolve each profile in a throw-away environment and write what it installed."""
    for profile, target in (("run", "."), ("test", ".[test]")):
        with tempfile.TemporaryDirectory() as tmp:
            venv.EnvBuilder(with_pip=True).create(tmp)
            python = str(Path(tmp) / "bin" / "python")
            subprocess.run([python, "-m", "pip", "-q", "install", target], cwd=ROOT, check=True)
            frozen = subprocess.run(
                [python, "-m", "pip", "freeze", "--exclude", "competenze"], check=True, text=True, capture_output=True
            ).stdout
        header = f"# Exact versions for `python3 dev.py {profile}`; regenerate with `python3 dev.py lock`.\n"
        LOCKS[profile].parent.mkdir(exist_ok=True)
        LOCKS[profile].write_text(header + frozen)
        say(f"wrote {LOCKS[profile].relative_to(ROOT)} ({frozen.count(chr(10))} packages)")
    return 0


COMMANDS = {"run": run, "test": test, "check": check, "lock": lock}


def main() -> int:
    check_python()
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        print(__doc__)
        return 2
    return COMMANDS[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
