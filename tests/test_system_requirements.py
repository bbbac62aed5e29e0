"""A test that needs a system binary or font fails with one line naming the Debian package."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests import system

ROOT = Path(settings.BASE_DIR)


def test_missing_binary_fails_without_traceback_naming_the_package():
    with pytest.raises(pytest.fail.Exception) as excinfo:
        system.require_binary("no-such-tool-kq", package="kq-tools")
    assert excinfo.value.pytrace is False
    assert "kq-tools" in str(excinfo.value) and "no-such-tool-kq" in str(excinfo.value)


def test_missing_font_fails_naming_the_package():
    with pytest.raises(pytest.fail.Exception) as excinfo:
        system.require_font("No Such Font KQ", package="fonts-kq")
    assert excinfo.value.pytrace is False
    assert "fonts-kq" in str(excinfo.value)


def test_present_things_pass():
    assert system.require_binary("sh", package="dash").endswith("/sh")


def test_missing_chromium_fails_naming_the_package(monkeypatch):
    monkeypatch.setattr(system, "CHROMIUM", "/nonexistent/chromium")
    with pytest.raises(pytest.fail.Exception) as excinfo:
        system.require_chromium()
    assert "Debian package chromium" in str(excinfo.value)


def test_pdf_test_without_poppler_reports_one_line(tmp_path):
    """The PDF test run on a machine without poppler-utils: one line, no FileNotFoundError."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "fc-list").symlink_to("/usr/bin/fc-list")  # fonts there, pdftotext not
    env = {**os.environ, "PATH": str(bin_dir)}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly",
         "core/tests/test_pdf.py::test_official_document_renders_chinese_text"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    out = result.stdout + result.stderr
    assert result.returncode == 1, out
    assert "Debian package poppler-utils" in out
    assert "FileNotFoundError" not in out and "Traceback" not in out and "subprocess.py" not in out
