"""Production static files: collectstatic with the production settings, then pages with DEBUG off.

The manifest storage refuses to finish when a CSS or JS file names a file that is not shipped
(a source map, a font); without the manifest every DEBUG-off page is a 500. This runs the same
command as the Dockerfile, in a child process with the production settings, into a temporary
STATIC_ROOT, then serves pages from it through whitenoise with DEBUG off.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client

from core import static_build

ROOT = Path(django_settings.BASE_DIR)
PRODUCTION_STORAGE = "whitenoise.storage.CompressedManifestStaticFilesStorage"
BOOTSTRAP_CSS = re.compile(r'/static/vendor/bootstrap-5\.3\.9/bootstrap\.min\.[0-9a-f]{12}\.css')


@pytest.fixture(scope="module")
def collected(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("static_root")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_DEBUG": "0",
           "DJANGO_STATIC_ROOT": str(root),
           # as in the Dockerfile: collectstatic needs neither a database nor a real key
           "DATABASE_URL": "postgresql://build@localhost/unused", "DJANGO_SECRET_KEY": "build-only"}
    result = subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    return root


@pytest.fixture
def production(collected, settings):
    """Django configured as `kq.py run` and the image serve it: DEBUG off, the collected manifest."""
    settings.DEBUG = False
    settings.STATIC_ROOT = collected
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": PRODUCTION_STORAGE}}
    settings.WHITENOISE_AUTOREFRESH = False
    settings.WHITENOISE_USE_FINDERS = False
    return Client(raise_request_exception=False)  # built after the settings: whitenoise reads them at start


def test_collectstatic_ships_every_referenced_file(collected):
    manifest = (collected / "staticfiles.json").read_text()
    for name in ("vendor/bootstrap-5.3.9/bootstrap.min.css.map", "vendor/bootstrap-5.3.9/bootstrap.bundle.min.js.map",
                 "vendor/bootstrap-icons/fonts/bootstrap-icons.woff", "vendor/bootstrap-icons/fonts/bootstrap-icons.woff2"):
        assert f'"{name}"' in manifest, name
    # compressed copies for whitenoise to hand to browsers that accept them
    assert list(collected.glob("vendor/bootstrap-5.3.9/bootstrap.min.*.css.br"))
    assert list(collected.glob("vendor/bootstrap-5.3.9/bootstrap.min.*.css.gz"))


@pytest.mark.django_db
def test_login_page_uses_hashed_static_files_served_by_whitenoise(production):
    page = production.get("/accounts/login/")
    assert page.status_code == 200
    css_url = BOOTSTRAP_CSS.search(page.content.decode())
    assert css_url, "the page does not link the hashed stylesheet"

    css = production.get(css_url[0], HTTP_ACCEPT_ENCODING="br, gzip")
    assert css.status_code == 200
    assert css["Content-Encoding"] == "br"
    assert "immutable" in css["Cache-Control"]  # whitenoise: a hashed name never changes
    plain = b"".join(production.get(css_url[0]).streaming_content).decode()
    # the source map comment points at the hashed map, which is served too
    map_name = re.search(r"sourceMappingURL=(bootstrap\.min\.css\.[0-9a-f]{12}\.map)", plain)
    assert map_name, plain[-200:]
    assert production.get(css_url[0].rsplit("/", 1)[0] + "/" + map_name[1]).status_code == 200


@pytest.mark.django_db
def test_pages_of_a_signed_in_user_render(production, personas):
    production.force_login(personas["office"])
    home = production.get("/")
    assert home.status_code == 200
    assert BOOTSTRAP_CSS.search(home.content.decode())


@pytest.mark.django_db
def test_unknown_url_is_a_plain_404_without_the_debug_page(production, personas):
    for user in (None, personas["office"]):
        if user:
            production.force_login(user)
        response = production.get("/no-such-page/")
        assert response.status_code == 404
        body = response.content.decode()
        assert "URLconf" not in body and "DEBUG = True" not in body  # Django's technical 404
        assert "delegation/" not in body  # no list of URL patterns
        # the site's own page, inside the layout, with its hashed stylesheet
        assert BOOTSTRAP_CSS.search(body), body[:500]


def test_fingerprint_notices_a_changed_source(settings, tmp_path):
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "a.css").write_text("body{}")
    settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, extra]
    root = tmp_path / "root"
    root.mkdir()
    before = static_build.sources_fingerprint()
    assert not static_build.collected_is_current(root, before)  # nothing collected yet
    (root / static_build.MANIFEST_NAME).write_text("{}")
    static_build.remember_collected(root, before)
    assert static_build.collected_is_current(root, static_build.sources_fingerprint())

    (extra / "a.css").write_text("body{color:red}")
    assert not static_build.collected_is_current(root, static_build.sources_fingerprint())
