"""The production deployment: docker-compose services, the image, and the entry points they name."""

import importlib
import re
from pathlib import Path

import pytest
import yaml
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
APP_SERVICES = ("web", "worker", "beat")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def command(service: dict) -> list[str]:
    cmd = service["command"]
    return cmd.split() if isinstance(cmd, str) else list(cmd)


def test_compose_has_the_five_services(compose):
    assert {"postgres", "redis", "web", "worker", "beat"} <= set(compose["services"])


def test_backing_services(compose):
    services = compose["services"]
    assert services["postgres"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")
    # the app waits for healthy backing services, so both declare a health check
    assert services["postgres"]["healthcheck"]["test"]
    assert services["redis"]["healthcheck"]["test"]


def test_web_runs_gunicorn(compose):
    cmd = command(compose["services"]["web"])
    assert cmd[0] == "gunicorn"
    assert "config.wsgi:application" in cmd


def test_worker_and_beat_run_celery(compose):
    assert command(compose["services"]["worker"])[:4] == ["celery", "-A", "config", "worker"]
    assert command(compose["services"]["beat"])[:4] == ["celery", "-A", "config", "beat"]


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_get_database_and_redis(compose, name):
    service = compose["services"][name]
    env = service["environment"]
    env = dict(item.split("=", 1) for item in env) if isinstance(env, list) else env
    assert env["DATABASE_URL"].startswith("postgresql://")
    assert "@postgres:" in env["DATABASE_URL"]  # the compose service, not localhost
    assert env["REDIS_URL"].startswith("redis://redis:")
    assert "DJANGO_SECRET_KEY" in env
    assert service.get("build") or service.get("image")


def test_migrations_run_before_the_app(compose):
    services = compose["services"]
    migrate = [n for n, s in services.items() if "command" in s and "migrate" in command(s)]
    assert migrate, "no service runs manage.py migrate"
    for name in APP_SERVICES:
        assert migrate[0] in services[name].get("depends_on", {}), name


def test_dockerfile_runs_gunicorn_with_cjk_fonts():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    cmd = re.search(r"^CMD\s+(.+)$", dockerfile, re.M)
    assert cmd, "no CMD"
    assert "gunicorn" in cmd[1] and "config.wsgi:application" in cmd[1]
    assert "fonts-noto-cjk" in dockerfile  # PDFs need CJK glyphs in the image too
    assert "collectstatic" in dockerfile
    assert re.search(r"^USER\s+(?!root)\S+", dockerfile, re.M), "the app should not run as root"


def test_wsgi_application_is_importable():
    module, _, attr = "config.wsgi:application".partition(":")
    application = getattr(importlib.import_module(module), attr)
    assert callable(application)


def test_celery_app_and_beat_schedule():
    from config import celery_app

    assert celery_app.main == "kuoquan"
    schedule = celery_app.conf.beat_schedule
    assert schedule["clear-expired-sessions"]["task"] == "core.tasks.clear_sessions_task"
    celery_app.loader.import_default_modules()
    assert "core.tasks.clear_sessions_task" in celery_app.tasks
    assert "core.tasks.health_check_task" in celery_app.tasks
    for entry in schedule.values():  # every scheduled task exists
        assert entry["task"] in celery_app.tasks, entry


def _kq():
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location("kq_deployment", ROOT / "kq.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_image_installs_the_debian_packages_of_run():
    """One list (kq.py's RUN_PACKAGES) and the image must agree, or PDFs differ in production."""
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    install = re.search(r"apt-get install -y --no-install-recommends \\\n(.*?)&&", dockerfile, re.S)
    assert install, "no apt-get install in the Dockerfile"
    assert set(install[1].replace("\\", " ").split()) == {p.name for p in _kq().RUN_PACKAGES}


def test_ci_runs_the_readmes_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "python3 kq.py test" in readme
    assert re.search(r"^python3 kq\.py test$", ci, re.M)


def test_run_serves_with_gunicorn_and_logs_to_var_log(settings):
    from core.management.commands.run_stack import Command

    command = Command()
    command.log_dir = Path(settings.BASE_DIR) / "var" / "log"
    web = command._web_command(8003, debug=False)
    assert web[1:4] == ["-m", "gunicorn", "config.wsgi:application"]
    assert "127.0.0.1:8003" in web
    assert str(command.log_dir / "access.log") in web
    assert "runserver" in command._web_command(8003, debug=True)
    assert command._child_env(Path(settings.BASE_DIR) / "var", debug=False)["DJANGO_DEBUG"] == "0"
    assert command._child_env(Path(settings.BASE_DIR) / "var", debug=True)["DJANGO_DEBUG"] == "1"
