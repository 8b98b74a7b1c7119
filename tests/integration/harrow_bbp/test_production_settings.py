"""Production settings: what ``DJANGO_ENV=production`` turns on, what it refuses, and the headers every page sends.

Settings are read once per process, so each production configuration is imported in a subprocess with the
README's environment; the headers are checked in this process with the settings production would have.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

from tests.content_security_policy import directives

ROOT = Path(__file__).resolve().parents[3]
STRONG_KEY = "k7#Vq2!rX9$wLp4@zN8&mT1^bY6*cH3(dJ5)fG0-sA_eR+uI=oP[lK]jQ{h}"  # 60 characters, Django's W009 passes
README_PRODUCTION = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": STRONG_KEY,
    "ALLOWED_HOSTS": "tracker.example.nhs.uk",
    "CSRF_TRUSTED_ORIGINS": "https://tracker.example.nhs.uk",
    "STATIC_MANIFEST": "1",
}
# Anything in this process's environment that would change what production means.
CLEARED = (
    "DJANGO_DEBUG",
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_COOKIES",
    "DJANGO_ALLOW_ASYNC_UNSAFE",  # set by the browser tests' session in this process (Playwright's event loop)
)
SHOW_SETTINGS = """
import json, django
from django.conf import settings
django.setup()
names = ["DEBUG", "SECURE_SSL_REDIRECT", "SECURE_PROXY_SSL_HEADER", "SECURE_HSTS_SECONDS",
         "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_REFERRER_POLICY",
         "SECURE_REDIRECT_EXEMPT", "X_FRAME_OPTIONS", "MIDDLEWARE"]
print(json.dumps({name: getattr(settings, name) for name in names}))
"""


def run(args: list[str], **overrides: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in CLEARED}
    env.update(README_PRODUCTION)
    env.update(overrides)
    env = {k: v for k, v in env.items() if v is not None}
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False
    )


def settings_in_production(**overrides: str) -> subprocess.CompletedProcess:
    return run(["-c", SHOW_SETTINGS], DJANGO_SETTINGS_MODULE="harrow_bbp.settings", **overrides)


def test_production_turns_on_https_hsts_and_secure_cookies():
    result = settings_in_production()
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["DEBUG"] is False
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["SECURE_HSTS_SECONDS"] == 31_536_000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SESSION_COOKIE_SECURE"] is True and values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_REFERRER_POLICY"] == "same-origin"
    assert values["X_FRAME_OPTIONS"] == "DENY"
    assert values["SECURE_REDIRECT_EXEMPT"] == [r"^healthz/$"]
    assert "csp.middleware.CSPMiddleware" in values["MIDDLEWARE"]


def test_the_proxy_header_and_hsts_age_are_configurable():
    result = settings_in_production(SECURE_PROXY_SSL_HEADER="X-Forwarded-Scheme", SECURE_HSTS_SECONDS="600")
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_SCHEME", "https"]
    assert values["SECURE_HSTS_SECONDS"] == 600


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"DJANGO_DEBUG": "1"}, "DJANGO_DEBUG is on"),
        ({"DEBUG": "true"}, "DEBUG is set"),
        ({"SECRET_KEY": ""}, "SECRET_KEY is not set"),
        ({"SECRET_KEY": "x7Hq!" * 9}, "SECRET_KEY has 45 characters; at least 50"),
        ({"SECRET_KEY": "abcd" * 20}, "SECRET_KEY has 4 different characters; at least 5"),
        ({"SECRET_KEY": "django-insecure-" + STRONG_KEY}, "starts with 'django-insecure-'"),
    ],
    ids=["DJANGO_DEBUG", "DEBUG", "no-key", "short-key", "repetitive-key", "django-insecure-key"],
)
def test_production_refuses_to_start_with_debug_or_a_weak_key(overrides, reason):
    result = settings_in_production(**overrides)
    assert result.returncode != 0
    assert "ImproperlyConfigured: Refusing to start with DJANGO_ENV=production" in result.stderr
    assert reason in result.stderr


def test_the_same_settings_start_outside_production():
    result = settings_in_production(DJANGO_ENV="local", DJANGO_DEBUG="1", SECRET_KEY="")
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["DEBUG"] is True and values["SECURE_SSL_REDIRECT"] is False and values["SECURE_HSTS_SECONDS"] == 0


def test_check_deploy_is_clean_with_the_readme_environment():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_fails_when_production_https_is_turned_off():
    """The check the README runs is not vacuous: production without HTTPS redirect or secure cookies fails it."""
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], SECURE_SSL_REDIRECT="0")
    assert result.returncode != 0
    assert "security.W008" in result.stderr


POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def test_every_page_sends_the_content_security_policy(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    policy = directives(response.headers["Content-Security-Policy"])
    for directive, sources in POLICY.items():
        assert policy[directive] == sources, directive
    assert "unsafe-eval" not in response.headers["Content-Security-Policy"]


PRODUCTION_HTTPS = {
    "SECURE_SSL_REDIRECT": True,
    "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
    "SECURE_HSTS_SECONDS": 31_536_000,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
}


@override_settings(**PRODUCTION_HTTPS)
def test_plain_http_is_redirected_and_https_through_the_proxy_gets_hsts(client):
    plain = client.get("/accounts/login/")
    assert plain.status_code == 301
    assert plain.headers["Location"] == "https://testserver/accounts/login/"
    proxied = client.get("/accounts/login/", headers={"X-Forwarded-Proto": "https"})
    assert proxied.status_code == 200
    assert proxied.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "frame-ancestors 'none'" in proxied.headers["Content-Security-Policy"]


@pytest.mark.django_db
@override_settings(**PRODUCTION_HTTPS)
def test_the_health_check_answers_plain_http_without_a_login(client):
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-cache" in response.headers["Cache-Control"]
    assert client.get("/").status_code == 301
    assert client.post("/healthz/").status_code == 405
