"""What some tests need from the machine: a binary, a font, Debian's chromium.

When it is missing the test fails with one line naming the Debian package (which
`python3 kq.py test` installs), never with a traceback from deep inside subprocess or Playwright:

    from tests.system import require_binary, require_chromium, require_font
    require_binary("pdftotext", package="poppler-utils")
"""

from __future__ import annotations

import shutil
import subprocess
from functools import cache
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"


def _missing(what: str, package: str) -> None:
    pytest.fail(f"{what}: install the Debian package {package} (python3 kq.py test installs it)", pytrace=False)


def require_binary(name: str, *, package: str) -> str:
    """The path of ``name`` on PATH, or the test fails naming ``package``."""
    path = shutil.which(name)
    if path is None:
        _missing(f"this test needs {name}, which is not on PATH", package)
    return path


@cache
def _font_families() -> frozenset[str]:
    out = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, check=True).stdout
    return frozenset(name.strip() for line in out.splitlines() for name in line.split(","))


def require_font(family: str, *, package: str) -> None:
    """The fontconfig family ``family`` is installed, or the test fails naming ``package``."""
    require_binary("fc-list", package="fontconfig")
    if family not in _font_families():
        _missing(f"this test needs the font {family!r}", package)


def require_chromium() -> str:
    """Debian's chromium for Playwright's ``executable_path`` (a browser is never downloaded)."""
    if not Path(CHROMIUM).exists():
        _missing(f"this test drives {CHROMIUM}, which does not exist", "chromium")
    return CHROMIUM
