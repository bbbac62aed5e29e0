#!/usr/bin/env python3
"""The two commands of the README, and the one that writes the lock.

    python3 kq.py run    set up on first use, then serve the app with demo data as production
                         would (gunicorn + whitenoise, DEBUG off; `run --debug` for DEBUG on),
                         with embedded PostgreSQL and Redis, a Celery worker and beat
    python3 kq.py test   set up on first use, then run the whole test suite
    python3 kq.py lock   write requirements/lock.txt again from pyproject.toml (after changing a
                         dependency there; `lock --upgrade` or `--upgrade-package NAME` to move pins)

Set-up: the Debian packages the command needs (installed with apt-get when missing, through
`sudo -n` when not root; KUOQUAN_NO_APT=1 forbids it), then .venv with exactly the versions
pinned in requirements/lock.txt and the project itself.

Only the standard library is used here: this file runs before the virtualenv exists.
"""

from __future__ import annotations

import ctypes.util
import hashlib
import importlib.util
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
import venv
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PYTHON = VENV / "bin" / "python"
STAMP = VENV / ".kuoquan-installed"
PYPROJECT = ROOT / "pyproject.toml"
LOCK = ROOT / "requirements" / "lock.txt"
EXTRAS = ("embedded", "dev")  # installed with the project; the lock pins them too
# The lock's resolver, pinned so that every machine writes the same file from the same pyproject.
UV = "uv==0.13.9"
# `python3 kq.py lock`: uv keeps the pins already in the file unless told to upgrade, so adding a
# dependency changes only what it needs. --universal writes environment markers, so the one file
# installs on any Python from 3.11 on.
LOCK_COMMAND = (
    "pip", "compile", "pyproject.toml", *(f"--extra={e}" for e in EXTRAS), "--universal",
    "--python-version=3.11", "--custom-compile-command=python3 kq.py lock", "--output-file=requirements/lock.txt",
)
APT_STAMP = ROOT / "var" / "provision" / "apt.json"
APT_LOG = ROOT / "var" / "log" / "apt.log"
DPKG_STATUS = Path("/var/lib/dpkg/status")
OS_RELEASE = Path("/etc/os-release")


@dataclass(frozen=True)
class Package:
    """A Debian package, why the project needs it, and how to tell it is there on any system
    (a binary on PATH, a file, a fontconfig family, a shared library or a Python module)."""

    name: str
    why: str
    binary: str = ""
    file: str = ""
    font: str = ""
    library: str = ""
    module: str = ""


# --- The Debian packages of each command: edit these lists, nothing else names them. --------
RUN_PACKAGES = (
    # WeasyPrint (core/pdf.py) lays out every PDF with Pango and finds fonts through pangoft2.
    Package("libpango-1.0-0", "PDF 排版（WeasyPrint 用 Pango）", library="pango-1.0"),
    Package("libpangoft2-1.0-0", "PDF 字体查找（WeasyPrint）", library="pangoft2-1.0"),
    # Font subsetting: a small PDF in 0.12 s instead of 2.8 s (measured here).
    Package("libharfbuzz-subset0", "PDF 嵌入字体子集，快约 20 倍", library="harfbuzz-subset"),
    # GB/T 9704 documents: Song (宋) for the body, Hei (黑) for headings; without a CJK font
    # every Chinese character in a PDF comes out as an empty box.
    Package("fonts-noto-cjk", "公文的宋体、黑体（否则 PDF 中文成方框）", font="Noto Serif CJK SC"),
    # Kai (楷) for the parts GB/T 9704 sets in 楷体.
    Package("fonts-arphic-ukai", "公文的楷体", font="AR PL UKai CN"),
)
TEST_PACKAGES = (
    *RUN_PACKAGES,
    # The PDF tests read the documents back: pdftotext for the text, pdffonts for the fonts.
    Package("poppler-utils", "测试读取 PDF（pdftotext、pdffonts）", binary="pdftotext"),
    # The browser tests drive Debian's chromium through Playwright (never a downloaded browser).
    Package("chromium", "浏览器测试（Playwright 驱动 Debian 的 chromium）", file="/usr/bin/chromium"),
)
COMMAND_PACKAGES = {"run": RUN_PACKAGES, "test": TEST_PACKAGES}


def venv_package() -> Package:
    """Debian splits venv/ensurepip out of its Python; without it .venv cannot be created."""
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    return Package(f"python{version}-venv", "创建虚拟环境 .venv", module="ensurepip")


def needed_packages(command: str) -> tuple[Package, ...]:
    packages = COMMAND_PACKAGES[command]
    if not PYTHON.exists() and importlib.util.find_spec("ensurepip") is None:  # to create .venv
        packages = (venv_package(), *packages)
    return packages


# --- Checking ---------------------------------------------------------------------------------
def is_debian(os_release: Path = OS_RELEASE) -> bool:
    """Debian or a derivative (Ubuntu …) with dpkg and apt-get on PATH."""
    try:
        fields = dict(
            line.split("=", 1) for line in os_release.read_text().splitlines() if "=" in line
        )
    except OSError:
        return False
    family = {fields.get("ID", "").strip('"'), *fields.get("ID_LIKE", "").strip('"').split()}
    return bool(family & {"debian", "ubuntu"}) and bool(shutil.which("dpkg-query") and shutil.which("apt-get"))


def dpkg_missing(packages: tuple[Package, ...]) -> list[Package]:
    """The packages dpkg does not list as installed."""
    out = subprocess.run(
        ["dpkg-query", "-W", "-f", "${Package} ${db:Status-Abbrev}\n", *(p.name for p in packages)],
        capture_output=True, text=True,
    ).stdout  # exit status 1 just means "some names unknown"
    installed = {line.split()[0] for line in out.splitlines() if len(line.split()) > 1 and line.split()[1] == "ii"}
    return [p for p in packages if p.name not in installed]


def probe_missing(packages: tuple[Package, ...]) -> list[Package]:
    """Off Debian: look for what each package provides, not for the package."""
    fonts: set[str] | None = None
    missing = []
    for package in packages:
        if package.binary:
            present = shutil.which(package.binary) is not None
        elif package.file:
            present = Path(package.file).exists()
        elif package.library:
            present = ctypes.util.find_library(package.library) is not None
        elif package.module:
            present = importlib.util.find_spec(package.module) is not None
        elif package.font:
            if fonts is None:
                fc_list = shutil.which("fc-list")
                listing = subprocess.run([fc_list, ":", "family"], capture_output=True, text=True).stdout if fc_list else ""
                fonts = {name.strip() for line in listing.splitlines() for name in line.split(",")}
            present = package.font in fonts
        else:
            present = True
        if not present:
            missing.append(package)
    return missing


# --- Installing -------------------------------------------------------------------------------
def sudo_prefix(*, is_root: bool) -> list[str] | None:
    """[] as root, ["sudo", "-n"] with passwordless sudo, None when we may not install."""
    if is_root:
        return []
    if shutil.which("sudo") and subprocess.run(["sudo", "-n", "true"], capture_output=True).returncode == 0:
        return ["sudo", "-n"]
    return None


def fail(message: str) -> None:
    print(f"kq.py：{message}", file=sys.stderr, flush=True)
    raise SystemExit(1)


def apt_install(missing: list[Package], prefix: list[str]) -> None:
    APT_LOG.parent.mkdir(parents=True, exist_ok=True)
    names = [p.name for p in missing]
    width = max(len(n) for n in names)
    print("kq.py：安装缺少的 Debian 软件包（只此一次；KUOQUAN_NO_APT=1 可禁止）：", flush=True)
    for p in missing:
        print(f"  {p.name:<{width}}  {p.why}", flush=True)
    apt = [*prefix, "env", "DEBIAN_FRONTEND=noninteractive", "apt-get"]
    started = time.monotonic()
    with APT_LOG.open("a") as log:
        for args in (["update", "-q"], ["install", "-y", "-q", "--no-install-recommends", *names]):
            log.write(f"$ {' '.join([*apt, *args])}\n")
            log.flush()
            result = subprocess.run([*apt, *args], stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
            if result.returncode != 0:
                last = [line for line in APT_LOG.read_text().splitlines() if line.strip()][-1:]
                fail(f"apt-get {args[0]} 失败（{APT_LOG}）：{last[0] if last else result.returncode}；"
                     f"请手动安装：sudo apt-get install {' '.join(names)}")
    print(f"kq.py：已安装（{time.monotonic() - started:.0f} 秒）", flush=True)


def remember(checked: tuple[Package, ...], installed: list[Package]) -> None:
    """var/provision/apt.json: what was found installed (the fast path) and what kq.py installed."""
    APT_STAMP.parent.mkdir(parents=True, exist_ok=True)
    previous = read_stamp()
    record = {
        "checked": sorted({*previous.get("checked", []), *(p.name for p in checked)}),
        "installed_by_kq": sorted({*previous.get("installed_by_kq", []), *(p.name for p in installed)}),
    }
    APT_STAMP.write_text(json.dumps(record, indent=1) + "\n")


def read_stamp() -> dict:
    try:
        return json.loads(APT_STAMP.read_text())
    except (OSError, ValueError):
        return {}


def stamp_is_current(packages: tuple[Package, ...]) -> bool:
    """Everything was found installed before, and dpkg has not changed anything since."""
    try:
        if APT_STAMP.stat().st_mtime < DPKG_STATUS.stat().st_mtime:
            return False
    except OSError:
        return False
    return {p.name for p in packages} <= set(read_stamp().get("checked", []))


def provision_system(command: str, *, env=os.environ, is_root: bool | None = None,
                     os_release: Path = OS_RELEASE) -> None:
    """Make sure the Debian packages of ``command`` are installed, or stop with one line."""
    packages = needed_packages(command)
    if is_root is None:
        is_root = os.geteuid() == 0
    if not is_debian(os_release):
        missing = probe_missing(packages)
        if missing:
            fail(f"缺少 {', '.join(f'{p.name}（{p.why}）' for p in missing)}；"
                 "这不是 Debian/Ubuntu，请用本系统的包管理器安装对应的软件后重试。")
        return
    if stamp_is_current(packages):
        return
    missing = dpkg_missing(packages)
    if missing:
        names = " ".join(p.name for p in missing)
        if env.get("KUOQUAN_NO_APT") == "1":
            fail(f"缺少 Debian 软件包 {names}（KUOQUAN_NO_APT=1，未自动安装）；请运行：sudo apt-get install {names}")
        prefix = sudo_prefix(is_root=is_root)
        if prefix is None:
            fail(f"缺少 Debian 软件包 {names}，而安装需要 root 或免密码 sudo；请运行：sudo apt-get install {names}")
        apt_install(missing, prefix)
        still = dpkg_missing(tuple(missing))
        if still:
            fail(f"apt-get 之后仍缺少 {' '.join(p.name for p in still)}（{APT_LOG}）")
    remember(packages, missing)


# --- The virtualenv ---------------------------------------------------------------------------
def normalize(name: str) -> str:
    """A distribution name as the lock writes it (PEP 503): lower case, runs of -_. as one -."""
    return re.sub(r"[-_.]+", "-", name).lower()


def declared_requirements() -> list[str]:
    """The requirement strings of the project and of its installed extras, as pyproject.toml has them."""
    import tomllib  # 3.11+, like the project

    project = tomllib.loads(PYPROJECT.read_text())["project"]
    extras = project.get("optional-dependencies", {})
    return [*project.get("dependencies", []), *(r for e in EXTRAS for r in extras.get(e, []))]


def locked_versions() -> dict[str, str]:
    """name → pinned version of each `name==version[ ; marker]` line of the lock."""
    pins = {}
    for line in LOCK.read_text().splitlines():
        match = re.match(r"([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;]+)", line)
        if match:
            pins[normalize(match[1])] = match[2]
    return pins


def unlocked() -> list[str]:
    """The dependencies named in pyproject.toml that the lock does not pin (in pyproject's order)."""
    pins = locked_versions()
    names = [normalize(re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", r.strip())[0]) for r in declared_requirements()]
    return [n for n in names if n not in pins]


def install_digest() -> str:
    """What the installed .venv was made from: pyproject.toml and the lock."""
    digest = hashlib.sha256()
    for path in (PYPROJECT, LOCK):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def pip(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(PYTHON), "-m", "pip", *args], cwd=ROOT)


def ensure_venv() -> None:
    """Create .venv and install the locked versions, then the project without resolving anything;
    again only when pyproject.toml or the lock changed."""
    digest = install_digest()
    if STAMP.exists() and STAMP.read_text() == digest:
        return
    missing = unlocked()
    if missing:
        fail(f"requirements/lock.txt 没有锁定 pyproject.toml 中的 {', '.join(missing)}；"
             "请运行 python3 kq.py lock 重新生成锁文件，并与 pyproject.toml 一同提交。")
    if not PYTHON.exists():
        print("创建虚拟环境 .venv …", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print("安装 Python 依赖（requirements/lock.txt 锁定的版本；首次约 1 分钟）…", flush=True)
    STAMP.unlink(missing_ok=True)  # an interrupted install is not taken for a finished one
    steps = (
        ("-q", "install", "--upgrade", "pip"),
        ("-q", "install", "-r", str(LOCK)),
        ("-q", "install", "--no-deps", "-e", str(ROOT)),  # every dependency came from the lock
    )
    for args in steps:
        if pip(*args).returncode != 0:
            fail(f"pip {' '.join(args[1:])} 失败（见上）")
    # The lock and pyproject's version ranges agree (a range edited without `kq.py lock` shows here).
    if pip("check").returncode != 0:
        fail("安装的版本不满足 pyproject.toml 的要求（见上）；请运行 python3 kq.py lock 重新生成锁文件。")
    STAMP.write_text(digest)


def lock(args: list[str]) -> int:
    """Write requirements/lock.txt from pyproject.toml with the pinned uv (installed into .venv)."""
    if not PYTHON.exists():
        venv.EnvBuilder(with_pip=True).create(VENV)
    uv = VENV / "bin" / "uv"
    have = subprocess.run([str(uv), "--version"], capture_output=True, text=True).stdout if uv.exists() else ""
    if not have.startswith(f"uv {UV.split('==')[1]} ") and pip("-q", "install", UV).returncode != 0:
        fail(f"pip install {UV} 失败（见上）")
    before = locked_versions() if LOCK.exists() else {}
    returncode = subprocess.run([str(uv), *LOCK_COMMAND, "--quiet", *args], cwd=ROOT).returncode
    after = locked_versions()
    changes = [f"{n} {before.get(n, '—')} → {after.get(n, '—')}" for n in sorted({*before, *after})
               if before.get(n) != after.get(n)]
    print(f"requirements/lock.txt：{len(after)} 个锁定版本；" + ("；".join(changes) if changes else "没有变化"), flush=True)
    return returncode


def local_secret_key() -> str:
    """`run` serves with DEBUG off, so it needs a real secret key: one per checkout, kept in var/
    so that logins survive a restart."""
    path = ROOT / "var" / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


def parallel_args(args: list[str]) -> list[str]:
    """The suite on every core (pytest-xdist), a test class kept on one worker (its shared data is
    built once). Only against a real server (DATABASE_URL): each worker gets its own test
    database there and its own Redis database (config/settings_test.py); the throw-away embedded
    server of a laptop without DATABASE_URL serves one process, so that run stays serial.
    `-n 0` or `-p no:xdist` in the arguments turns it off."""
    cores = os.cpu_count() or 1
    if cores < 2 or not os.environ.get("DATABASE_URL") or any(a == "-n" or a.startswith("-n") or "xdist" in a
                                                              for a in args):
        return []
    return ["-n", str(cores), "--dist", "loadscope"]


def main(argv: list[str]) -> int:
    if argv and argv[0] == "lock":
        return lock(argv[1:])
    if not argv or argv[0] not in COMMAND_PACKAGES:
        print(__doc__)
        return 2
    provision_system(argv[0])
    ensure_venv()
    os.chdir(ROOT)
    if argv[0] == "run":
        os.environ.setdefault("DJANGO_SECRET_KEY", local_secret_key())
        cmd = [str(PYTHON), "manage.py", "run_stack", *argv[1:]]
    else:
        cmd = [str(PYTHON), "-m", "pytest", *parallel_args(argv[1:]), *argv[1:]]
    os.execv(cmd[0], cmd)
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
