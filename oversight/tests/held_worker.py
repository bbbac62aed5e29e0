"""Real Celery workers whose job is held in the middle (the SIGKILL tests of the half-year report
and of the auditor's bundle, issue 14 §7).

Each worker runs from a small wrapper that replaces one rendering function with one that says, by a
file (``arrived``), that the job has got there and then waits while another file (``held``) exists:
that is "the middle of generating". The broker's visibility timeout is short so that a new worker
gets an unacknowledged message back within seconds rather than the default hour. A worker has its
own process group, so a kill takes its parent and its pool child at once.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

from django.conf import settings as django_settings

from core.tests.test_worker import database_url

TRANSPORT = {"visibility_timeout": 8, "unacked_restore_interval": 1, "unacked_restore_throttle": 1}

WRAPPER = """
import importlib, os, pathlib, sys, time
import django
django.setup()
from config.celery import app
module = importlib.import_module({module!r})
app.conf.broker_transport_options = {transport!r}
held, arrived = pathlib.Path(os.environ["KQ_HOLD"]), pathlib.Path(os.environ["KQ_ARRIVED"])
render = getattr(module, {function!r})
def held_render(*args, **kwargs):
    arrived.touch()
    while held.exists():
        time.sleep(0.1)
    return render(*args, **kwargs)
setattr(module, {function!r}, held_render)
app.worker_main(sys.argv[1:])
"""


def wait_for(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


class HeldWorkers:
    """Workers on a queue of their own that hold ``module.function`` while ``held`` exists."""

    def __init__(self, tmp_path: Path, broker_url: str, *, module: str, function: str, tasks: str, prefix: str,
                 env: dict | None = None):
        self.queue = f"kq-test-{prefix}-{uuid.uuid4().hex[:12]}"
        self.held, self.arrived = tmp_path / "hold", tmp_path / "arrived"
        self.held.touch()
        self.code = WRAPPER.format(module=module, function=function, transport=TRANSPORT)
        self.tasks = tasks
        self.env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DATABASE_URL": database_url(),
                    "REDIS_URL": broker_url,
                    "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or "test-only-insecure-key",
                    "KQ_HOLD": str(self.held), "KQ_ARRIVED": str(self.arrived), **(env or {})}
        self.started: list[subprocess.Popen] = []

    def start(self, name: str) -> subprocess.Popen:
        worker = subprocess.Popen(
            [sys.executable, "-c", self.code, "worker", "-l", "warning", "--pool", "prefork", "-c", "1",
             "-Q", self.queue, "-n", f"{self.queue}-{name}@%h", "-I", self.tasks,
             "--without-gossip", "--without-mingle", "--without-heartbeat"],
            env=self.env, cwd=Path(django_settings.BASE_DIR), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True, start_new_session=True)  # its own process group: killed whole, parent and pool child
        self.started.append(worker)
        return worker

    @staticmethod
    def output(worker: subprocess.Popen | None) -> str:
        return worker.stdout.read()[-3000:] if worker is not None and worker.poll() is not None else ""

    def release(self) -> None:
        """Let the next job that reaches the rendering go on."""
        self.held.unlink()

    def stop(self) -> None:
        for worker in self.started:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGTERM)
                try:
                    worker.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(worker.pid, signal.SIGKILL)
                    worker.wait()
