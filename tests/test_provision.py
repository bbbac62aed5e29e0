"""kq.py's provisioning: which Debian packages it installs, how, and when it stops instead.

Stub `dpkg-query`, `apt-get` and `sudo` scripts on PATH stand in for the real ones (they log
their calls and keep a list of "installed" packages), so nothing here touches the machine.
The real installation was checked by hand on a fresh clone (see the README).
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
spec = importlib.util.spec_from_file_location("kq_under_test", ROOT / "kq.py")
kq = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = kq  # dataclasses look their module up there
spec.loader.exec_module(kq)

RUN_NAMES = [p.name for p in kq.RUN_PACKAGES]
TEST_NAMES = [p.name for p in kq.TEST_PACKAGES]

DPKG_QUERY = """#!/bin/sh
echo "dpkg-query $1 $4" >> "$STUB/calls"
shift 3  # -W -f FORMAT
rc=0
for p in "$@"; do
  if grep -qx "$p" "$STUB/installed"; then echo "$p ii "; else echo "dpkg-query: no packages found matching $p" >&2; rc=1; fi
done
exit $rc
"""
APT_GET = """#!/bin/sh
echo "apt-get $*" >> "$STUB/calls"
if [ -e "$STUB/apt-fails" ]; then echo "E: Unable to locate package chromium"; exit 100; fi
if [ "$1" = install ]; then
  for p in "$@"; do case "$p" in install|-*) ;; *) echo "$p" >> "$STUB/installed";; esac; done
  touch "$STUB/dpkg-status"
fi
"""
SUDO = """#!/bin/sh
echo "sudo $*" >> "$STUB/calls"
if [ -e "$STUB/sudo-denied" ]; then echo "sudo: a password is required" >&2; exit 1; fi
shift  # -n
exec "$@"
"""
FC_LIST = """#!/bin/sh
echo "DejaVu Sans"
"""


@pytest.fixture
def stub(tmp_path, monkeypatch):
    """A fake Debian: stub tools first on PATH, an os-release, a dpkg status file, kq.py's var/."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, text in {"dpkg-query": DPKG_QUERY, "apt-get": APT_GET, "sudo": SUDO, "fc-list": FC_LIST}.items():
        (bin_dir / name).write_text(text)
        (bin_dir / name).chmod(0o755)
    (tmp_path / "installed").write_text("")
    (tmp_path / "calls").write_text("")
    (tmp_path / "dpkg-status").write_text("")
    (tmp_path / "os-release").write_text('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n')
    monkeypatch.setenv("STUB", str(tmp_path))
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")
    monkeypatch.delenv("KUOQUAN_NO_APT", raising=False)
    monkeypatch.setattr(kq, "APT_STAMP", tmp_path / "var" / "provision" / "apt.json")
    monkeypatch.setattr(kq, "APT_LOG", tmp_path / "var" / "log" / "apt.log")
    monkeypatch.setattr(kq, "DPKG_STATUS", tmp_path / "dpkg-status")
    monkeypatch.setattr(kq, "OS_RELEASE", tmp_path / "os-release")
    monkeypatch.setattr(kq, "PYTHON", Path(os.__file__))  # "the venv exists": no venv package needed

    class Stub:
        path = tmp_path

        def installed(self, *names):
            (tmp_path / "installed").write_text("".join(f"{n}\n" for n in names))

        def calls(self) -> list[str]:
            return (tmp_path / "calls").read_text().splitlines()

        def apt_calls(self) -> list[str]:
            return [c for c in self.calls() if c.startswith("apt-get")]

        def provision(self, command, **kwargs):
            kwargs.setdefault("is_root", True)
            kwargs.setdefault("os_release", tmp_path / "os-release")
            return kq.provision_system(command, env=os.environ, **kwargs)

    return Stub()


def one_line_failure(excinfo, capsys) -> str:
    assert excinfo.value.code == 1
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1, err
    return err


def test_lists_run_needs_nothing_test_only():
    assert set(RUN_NAMES) <= set(TEST_NAMES)
    assert "poppler-utils" not in RUN_NAMES and "chromium" not in RUN_NAMES
    assert {"fonts-noto-cjk", "libpango-1.0-0", "libharfbuzz-subset0"} <= set(RUN_NAMES)
    assert {"poppler-utils", "chromium"} <= set(TEST_NAMES)
    assert all(p.why for p in kq.TEST_PACKAGES)  # every package says why it is needed


def test_nothing_missing_installs_nothing_and_says_nothing(stub, capsys):
    stub.installed(*TEST_NAMES)
    stub.provision("test")
    assert stub.apt_calls() == []
    assert capsys.readouterr() == ("", "")


def test_missing_packages_are_installed_once_after_one_update(stub, capsys):
    stub.installed(*RUN_NAMES)  # a machine that runs the app but never ran the tests
    stub.provision("test")

    test_only = [n for n in TEST_NAMES if n not in RUN_NAMES]  # poppler-utils, chromium …
    assert stub.apt_calls() == [
        "apt-get update -q",
        f"apt-get install -y -q --no-install-recommends {' '.join(test_only)}",
    ]
    out = capsys.readouterr().out
    assert "poppler-utils" in out and "pdftotext" in out  # what, and why
    assert "chromium" in out and "KUOQUAN_NO_APT=1" in out  # and how to opt out
    assert "fonts-noto-cjk" not in out  # installed already: not mentioned

    calls = stub.calls()
    stub.provision("test")  # the second time: nothing to do, nothing said, dpkg not even asked
    assert stub.calls() == calls
    assert capsys.readouterr().out == ""


def test_a_package_removed_later_is_noticed(stub, capsys):
    stub.installed(*TEST_NAMES)
    stub.provision("test")
    stub.installed(*[n for n in TEST_NAMES if n != "chromium"])
    (stub.path / "dpkg-status").touch()  # dpkg rewrote its status file
    os.utime(stub.path / "dpkg-status", (os.path.getmtime(kq.APT_STAMP) + 1,) * 2)
    stub.provision("test")
    assert stub.apt_calls()[-1] == "apt-get install -y -q --no-install-recommends chromium"


def test_not_root_installs_through_passwordless_sudo(stub, capsys):
    stub.installed(*[n for n in RUN_NAMES if n != "fonts-noto-cjk"])
    stub.provision("run", is_root=False)
    calls = stub.calls()
    assert "sudo -n true" in calls
    assert "sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends fonts-noto-cjk" in calls
    assert "fonts-noto-cjk" in capsys.readouterr().out


def test_not_root_without_sudo_stops_with_one_line(stub, capsys):
    (stub.path / "sudo-denied").touch()
    stub.installed(*RUN_NAMES)
    with pytest.raises(SystemExit) as excinfo:
        stub.provision("test", is_root=False)
    err = one_line_failure(excinfo, capsys)
    assert "poppler-utils" in err and "chromium" in err and "sudo apt-get install" in err
    assert stub.apt_calls() == []


def test_opt_out_stops_with_one_line_naming_the_packages(stub, capsys, monkeypatch):
    monkeypatch.setenv("KUOQUAN_NO_APT", "1")
    with pytest.raises(SystemExit) as excinfo:
        stub.provision("run")
    err = one_line_failure(excinfo, capsys)
    for name in RUN_NAMES:
        assert name in err
    assert "KUOQUAN_NO_APT=1" in err
    assert stub.apt_calls() == []


def test_failed_apt_get_stops_with_one_line(stub, capsys):
    (stub.path / "apt-fails").touch()
    stub.installed(*RUN_NAMES)
    with pytest.raises(SystemExit) as excinfo:
        stub.provision("test")
    err = one_line_failure(excinfo, capsys)
    assert "Unable to locate package chromium" in err and "apt.log" in err
    assert not kq.APT_STAMP.exists()  # nothing remembered: the next run tries again


def test_other_systems_stop_naming_what_is_missing(stub, capsys, monkeypatch):
    (stub.path / "os-release").write_text("ID=fedora\n")
    monkeypatch.setenv("PATH", str(stub.path / "bin"))  # no pdftotext; fc-list knows no CJK font
    with pytest.raises(SystemExit) as excinfo:
        stub.provision("test")
    err = one_line_failure(excinfo, capsys)
    assert "fonts-noto-cjk" in err and "fonts-arphic-ukai" in err and "poppler-utils" in err
    assert "Debian" in err
    assert stub.apt_calls() == []


def test_venv_package_only_when_venv_cannot_be_created(stub, monkeypatch):
    monkeypatch.setattr(kq, "PYTHON", stub.path / "no-venv" / "python")
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(kq.importlib.util, "find_spec",
                        lambda name, *a: None if name == "ensurepip" else real_find_spec(name, *a))
    names = [p.name for p in kq.needed_packages("run")]
    assert names[0].startswith("python3.") and names[0].endswith("-venv")
    monkeypatch.setattr(kq.importlib.util, "find_spec", real_find_spec)
    assert [p.name for p in kq.needed_packages("run")] == RUN_NAMES
