"""Production static files: every file collects under the manifest storage production uses.

``CompressedManifestStaticFilesStorage`` rewrites each CSS ``url()`` and each ``sourceMappingURL`` to the hashed
name of the file it names, and fails ``collectstatic`` when that file is missing; with no manifest every
``{% static %}`` then raised and every page was a 500 (issue 11).
"""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.template import engines
from django.test import override_settings
from whitenoise.compress import Compressor
from whitenoise.storage import CompressedManifestStaticFilesStorage

# One process runs the module, so the collection below (gzip of every file) is made once.
pytestmark = [pytest.mark.xdist_group("static_files"), pytest.mark.slow]  # runs collectstatic


class GzipOnlyManifestStorage(CompressedManifestStaticFilesStorage):
    """Production's storage, hashing, rewriting and compressing every file, but with gzip only: Brotli of the
    two copies of plotly.min.js alone took 22 of this module's 34 s, and it is WhiteNoise's own feature, not
    what is tested here. CI's production smoke test runs the real ``collectstatic``, Brotli included."""

    def create_compressor(self, **kwargs) -> Compressor:
        return Compressor(use_brotli=False, **kwargs)


MANIFEST_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": f"{__name__}.GzipOnlyManifestStorage"},
}


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    root = tmp_path_factory.mktemp("staticfiles")
    with override_settings(STORAGES=MANIFEST_STORAGES, STATIC_ROOT=root, DEBUG=False):
        call_command("collectstatic", interactive=False, verbosity=0)
        yield root


def test_every_static_file_is_in_the_manifest(collected):
    manifest = json.loads((collected / "staticfiles.json").read_text())["paths"]
    for name in (
        "vendor/nhsuk-frontend/nhsuk-frontend.min.css",
        "vendor/nhsuk-frontend/nhsuk-frontend.min.js",
        "vendor/plotly/plotly.min.js",
        "dashboards/app.css",
        "dashboards/charts.js",
        "django_htmx/htmx-2.min.js",
    ):
        assert re.fullmatch(
            re.escape(name.rsplit(".", 1)[0]) + r"\.[0-9a-f]{12}\." + name.rsplit(".", 1)[1], manifest[name]
        )
        assert (collected / manifest[name]).is_file()
        assert (collected / (manifest[name] + ".gz")).is_file()


def test_css_urls_point_at_hashed_files_that_exist(collected):
    manifest = json.loads((collected / "staticfiles.json").read_text())["paths"]
    css_path = collected / manifest["vendor/nhsuk-frontend/nhsuk-frontend.min.css"]
    css = css_path.read_text()
    urls = re.findall(r"url\(\"?([^)\"]+)\"?\)", css)
    assert urls, "the NHS.UK stylesheet names its icons"
    for url in urls:
        assert re.search(r"\.[0-9a-f]{12}\.svg$", url), url
        assert (css_path.parent / url).is_file(), url
    assert "sourceMappingURL" not in css


def test_templates_resolve_static_names_through_the_manifest(collected):
    with override_settings(STORAGES=MANIFEST_STORAGES, STATIC_ROOT=collected, DEBUG=False):
        html = (
            engines["django"]
            .from_string("{% load static %}{% static 'vendor/nhsuk-frontend/nhsuk-frontend.min.css' %}")
            .render({})
        )
        assert staticfiles_storage.exists("staticfiles.json")
    assert re.fullmatch(r"/static/vendor/nhsuk-frontend/nhsuk-frontend\.min\.[0-9a-f]{12}\.css", html)
