#!/usr/bin/env python3
"""The two commands of the README.

    python3 kq.py run    set up on first use, then serve the app with demo data
                         (embedded PostgreSQL and Redis, a Celery worker and beat)
    python3 kq.py test   set up on first use, then run the whole test suite

Only the standard library is used here: this file runs before the virtualenv exists.
"""

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PYTHON = VENV / "bin" / "python"
STAMP = VENV / ".kuoquan-installed"


def ensure_venv() -> None:
    """Create .venv and install the project with its extras; again only when pyproject.toml changed."""
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == digest:
        return
    if not PYTHON.exists():
        print("创建虚拟环境 .venv …", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print("安装依赖（首次约 1 分钟）…", flush=True)
    subprocess.run([str(PYTHON), "-m", "pip", "install", "-q", "--upgrade", "pip"], check=True)
    subprocess.run(
        [str(PYTHON), "-m", "pip", "install", "-q", "-e", f"{ROOT}[embedded,dev]"], check=True, cwd=ROOT
    )
    STAMP.write_text(digest)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"run", "test"}:
        print(__doc__)
        return 2
    ensure_venv()
    os.chdir(ROOT)
    if argv[0] == "run":
        cmd = [str(PYTHON), "manage.py", "run_stack", *argv[1:]]
    else:
        cmd = [str(PYTHON), "-m", "pytest", *argv[1:]]
    os.execv(cmd[0], cmd)
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
