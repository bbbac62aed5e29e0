"""The shape of the code base (issue 7): no Python file over 600 lines but migrations.

A file that grows past this is split by topic (STYLE.md: small modules named by topic), not
exempted here.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_LINES = 600
SKIPPED_DIRS = {".venv", "var", "node_modules", "migrations", ".git", "__pycache__", "kuoquan.egg-info"}


def python_files():
    for path in ROOT.rglob("*.py"):
        if not SKIPPED_DIRS.intersection(path.relative_to(ROOT).parts):
            yield path


def test_the_walk_sees_the_project_and_skips_migrations():
    files = {str(p.relative_to(ROOT)) for p in python_files()}
    assert "delegation/models.py" in files and "core/deadlines.py" in files
    assert not any("/migrations/" in f or f.startswith(".venv/") for f in files)


def test_no_python_file_is_over_600_lines():
    too_long = {}
    for path in python_files():
        with path.open(encoding="utf-8") as f:
            lines = sum(1 for _ in f)
        if lines > MAX_LINES:
            too_long[str(path.relative_to(ROOT))] = lines
    assert not too_long, f"over {MAX_LINES} lines (split by topic): {dict(sorted(too_long.items()))}"
