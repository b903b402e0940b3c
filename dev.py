#!/usr/bin/env python3
"""Set up Kommunalportal on a fresh machine and start it or test it.

    python3 dev.py start   # install everything, load Hessen and the demo, serve on 127.0.0.1:8000
    python3 dev.py test    # install everything and run the whole test suite (extra args go to pytest)
    python3 dev.py prepare # install everything the test suite needs (the browser too), without running it
    python3 dev.py lock    # regenerate requirements/lock.txt from pyproject.toml

Only the standard library is used here: this file runs before any dependency is installed.
Every step is safe to repeat; unchanged dependencies are not installed again.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"
LOCK = ROOT / "requirements" / "lock.txt"
STAMPS = VENV / "stamps"
LOCALE = ROOT / "src" / "kommunalportal" / "locale"
HOST = "127.0.0.1:8000"


def say(message: str) -> None:
    print(f"\n==> {message}", flush=True)


def run(*args: str | Path, env: dict[str, str] | None = None) -> None:
    subprocess.run([str(a) for a in args], cwd=ROOT, check=True, env=env)


def digest(*paths: Path) -> str:
    h = hashlib.sha256()
    for p in paths:
        h.update(p.read_bytes() if p.exists() else b"")
    return h.hexdigest()


def changed(name: str, *paths: Path) -> bool:
    """True when the inputs of a step differ from the last successful run."""
    stamp = STAMPS / name
    return not stamp.exists() or stamp.read_text() != digest(*paths)


def mark_done(name: str, *paths: Path) -> None:
    STAMPS.mkdir(parents=True, exist_ok=True)
    (STAMPS / name).write_text(digest(*paths))


def ensure_python_packages() -> None:
    if sys.version_info < (3, 11):
        sys.exit("Kommunalportal needs Python 3.11 or newer.")
    if not PY.exists():
        say("Creating the virtual environment in .venv")
        venv.create(VENV, with_pip=True)
    if changed("python", LOCK, ROOT / "pyproject.toml"):
        say("Installing Python packages (pinned, hash-checked)")
        run(PY, "-m", "pip", "install", "--quiet", "--require-hashes", "-r", LOCK)
        run(PY, "-m", "pip", "install", "--quiet", "--no-deps", "-e", ".")
        mark_done("python", LOCK, ROOT / "pyproject.toml")


def ensure_npm_packages() -> None:
    lock = ROOT / "package-lock.json"
    if changed("npm", lock) or not (ROOT / "node_modules").exists():
        npm = shutil.which("npm")
        if npm is None:
            sys.exit("npm was not found: please install Node.js (with npm) first.")
        say("Installing front-end packages (KERN UX, htmx, axe-core) with npm ci")
        run(npm, "ci", "--no-audit", "--no-fund", "--loglevel=error")
        mark_done("npm", lock)


def compile_catalogues() -> None:
    pofiles = sorted(LOCALE.glob("*/LC_MESSAGES/*.po"))
    if pofiles and changed("catalogues", *pofiles):
        say("Compiling the translation catalogues")
        run(BIN / "pybabel", "--quiet", "compile", "-d", LOCALE, "-D", "django")
        mark_done("catalogues", *pofiles)


def manage(*args: str) -> None:
    run(PY, ROOT / "manage.py", *args)


def ensure_chromium() -> None:
    """The browser tests drive Debian's chromium; Playwright cannot fetch its own browser here."""
    if shutil.which("chromium"):
        return
    apt = shutil.which("apt-get")
    if apt and hasattr(os, "geteuid") and os.geteuid() == 0:
        say("Installing Debian's chromium for the browser tests")
        quiet = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        run(apt, "update", "-qq", env=quiet)
        run(apt, "install", "-y", "-qq", "--no-install-recommends", "chromium", env=quiet)
    else:
        print("chromium not found and cannot be installed here: the browser tests will be skipped.")


def setup() -> None:
    ensure_python_packages()
    ensure_npm_packages()
    compile_catalogues()


def start() -> None:
    setup()
    say("Preparing the database (embedded SQLite in var/)")
    manage("migrate", "--no-input", "--verbosity", "0")
    manage("load_registry")
    manage("load_demo")
    manage("schedule_reminders")
    say("Starting the background worker (reminders and mail; tasks are kept in the same database)")
    worker = subprocess.Popen([str(PY), str(ROOT / "manage.py"), "db_worker", "--interval", "5"], cwd=ROOT)
    # Stopped from outside (not by Ctrl+C): leave through `finally`, so that the worker stops too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    say(f"Starting Kommunalportal on http://{HOST}/ (stop with Ctrl+C)")
    try:
        manage("runserver", HOST)
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def test(pytest_args: list[str]) -> int:
    setup()
    ensure_chromium()
    say("Running the test suite")
    return subprocess.run([str(PY), "-m", "pytest", *pytest_args], cwd=ROOT).returncode


def lock() -> None:
    ensure_python_packages()
    run(PY, "-m", "pip", "install", "--quiet", "pip-tools")
    run(
        BIN / "pip-compile", "--quiet", "--extra", "dev", "--generate-hashes", "--no-emit-index-url",
        "--no-emit-find-links", "--strip-extras", "--allow-unsafe",
        # relative to the repository, so that the file's header names no machine's folders
        "-o", LOCK.relative_to(ROOT), "pyproject.toml",
    )  # fmt: skip


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "help"
    if command == "start":
        start()
    elif command == "test":
        return test(argv[1:])
    elif command == "setup":
        setup()
    elif command == "prepare":
        setup()
        ensure_chromium()
    elif command == "lock":
        lock()
    else:
        print(__doc__)
        return 0 if command in {"help", "-h", "--help"} else 2
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except subprocess.CalledProcessError as error:
        sys.exit(error.returncode or 1)
    except KeyboardInterrupt:
        sys.exit(130)
