"""Settings, all from the environment.

With nothing set the project runs on the embedded default: SQLite and eager (in-process) Celery.
Production sets DATABASE_URL (PostgreSQL), CELERY_BROKER_URL (Redis), SECRET_KEY and ALLOWED_HOSTS.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DJANGO_ENV = os.environ.get("DJANGO_ENV", "local")
PRODUCTION = DJANGO_ENV == "production"
DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY and not PRODUCTION:  # production refuses a missing key (the block at the end)
    SECRET_KEY = "insecure-local-only-key-set-SECRET_KEY-in-production"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "harrow_bbp.admin_apps.HarrowAdminConfig",  # django.contrib.admin, open to analysts too
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "axes",  # sign-in lockout (see the SIGN-IN block below)
    "simple_history",
    "audit",
    "harrow_bbp",
    "outcomes",
    "workstreams",
    "dashboards",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "dashboards.former_codes.FormerCodeRedirectMiddleware",  # old links with a former area code (ADR 0017)
    "simple_history.middleware.HistoryRequestMiddleware",
    "audit.access_log.AccessLogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "harrow_bbp.session_limits.SessionLimitsMiddleware",  # idle timeout and absolute lifetime (SIGN-IN block)
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into the lockout page (SIGN-IN block)
]

ROOT_URLCONF = "harrow_bbp.urls"
WSGI_APPLICATION = "harrow_bbp.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "harrow_bbp.access.roles_context",
                "dashboards.demo_marking.demo_data_context",  # "Demo data" tags on tiles and charts
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers queue for up to 30 s, and a transaction takes the write lock when it begins (IMMEDIATE): with
    # SQLite's default (DEFERRED) two loads that had both read could not both upgrade to write, and one failed at
    # once with "database is locked" whatever the timeout (seen with 8 `manage.py ingest` at a time).
    DATABASES["default"].setdefault("OPTIONS", {}).update(timeout=30, transaction_mode="IMMEDIATE")
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboards:home"  # each role's start page: a PCN lead's own PCN, else the overview
LOGOUT_REDIRECT_URL = "login"

# ---- SIGN-IN: lockout, passwords, session limits (issue 11 item 4; ADR 0010) -------------------------------------
# Lockout by django-axes, its state in the database (shared by every web process). Failures are counted per
# account and address, per account from any address, and per address (harrow_bbp/lockout.py); any of the three at
# its limit locks, and failures are forgotten SIGNIN_LOCKOUT_MINUTES after the last one. An admin removes a lockout
# under Admin > Axes > Access attempts.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out sign-in before the password is checked
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "harrow_bbp.lockout.TieredLimitsHandler"
AXES_FAILURE_LIMIT = int(os.environ.get("SIGNIN_FAILURE_LIMIT", "10"))  # one account from one address
SIGNIN_ACCOUNT_FAILURE_LIMIT = int(os.environ.get("SIGNIN_ACCOUNT_FAILURE_LIMIT", "20"))  # one account, any address
SIGNIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("SIGNIN_ADDRESS_FAILURE_LIMIT", "100"))  # any account, one address
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username", "ip_address"]
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("SIGNIN_LOCKOUT_MINUTES", "15")))
AXES_RESET_ON_SUCCESS = True  # a successful sign-in clears that account's failures from that address only
AXES_LOCKOUT_CALLABLE = "harrow_bbp.lockout.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
AXES_SENSITIVE_PARAMETERS: list[str] = []  # the password is always masked; username and address are kept for audit
# The client address: REMOTE_ADDR, or behind reverse proxies that append to X-Forwarded-For set SIGNIN_PROXY_COUNT
# to how many there are (1 for one nginx); the address the outermost of them saw is used (harrow_bbp/lockout.py).
AXES_CLIENT_IP_CALLABLE = "harrow_bbp.lockout.client_address"
SIGNIN_PROXY_COUNT = int(os.environ.get("SIGNIN_PROXY_COUNT", "0"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": int(os.environ.get("PASSWORD_MIN_LENGTH", "12"))},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "harrow_bbp.password_validation.KeyboardPatternValidator"},
]

# Sessions end after SESSION_IDLE_TIMEOUT minutes without activity or SESSION_ABSOLUTE_LIFETIME hours after sign-in,
# whichever comes first (harrow_bbp/session_limits.py); the cookie lasts no longer than the absolute lifetime.
SESSION_IDLE_TIMEOUT = int(os.environ.get("SESSION_IDLE_TIMEOUT", "30")) * 60  # seconds
SESSION_ABSOLUTE_LIFETIME = int(os.environ.get("SESSION_ABSOLUTE_LIFETIME", "12")) * 3600  # seconds
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_LIFETIME

# Optional single sign-on through OpenID Connect (Microsoft Entra ID), off unless OIDC_RP_CLIENT_ID is set
# (harrow_bbp/oidc.py). OIDC_ROLE_GROUPS maps the provider's group claim values to roles: "<group id>:board,...".
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "")
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", "")
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = os.environ.get("OIDC_RP_SCOPES", "openid email profile")
OIDC_USE_PKCE = True
OIDC_TIMEOUT = 10
OIDC_USERNAME_CLAIM = os.environ.get("OIDC_USERNAME_CLAIM", "preferred_username")
OIDC_GROUPS_CLAIM = os.environ.get("OIDC_GROUPS_CLAIM", "groups")
OIDC_ROLE_GROUPS = dict(
    item.rsplit(":", 1) for item in env_list("OIDC_ROLE_GROUPS", "") if ":" in item
)  # group claim value -> role
OIDC_LABEL = os.environ.get("OIDC_LABEL", "Sign in with your NHS or council account")
LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/?sso=failed"
if OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.append("harrow_bbp.oidc.RoleMappingBackend")
# ---- end SIGN-IN ------------------------------------------------------------------------------------------------

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "var" / "staticfiles"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on a missing root
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_MANIFEST", False)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Serve static files straight from the app and package finders unless they have been collected (production).
WHITENOISE_USE_FINDERS = env_bool("WHITENOISE_USE_FINDERS", not PRODUCTION)
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))

# Celery: eager in-process execution unless a broker is configured.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", CELERY_BROKER_URL or None)
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "harrow_bbp.staticfinders.PlotlyJsFinder",
]

# Ingestion limits for the upload page (manage.py ingest takes any size), and the watched drop folder.
INGEST_MAX_UPLOAD_BYTES = int(os.environ.get("INGEST_MAX_UPLOAD_BYTES", str(50 * 1024 * 1024)))
INGEST_MAX_UPLOAD_ROWS = int(os.environ.get("INGEST_MAX_UPLOAD_ROWS", "250000"))
INGEST_DROP_FOLDER = Path(os.environ.get("INGEST_DROP_FOLDER", BASE_DIR / "var" / "dropfolder"))
# A workbook is a ZIP: its uncompressed size is capped before it is opened (upload page and drop folder).
INGEST_MAX_XLSX_UNCOMPRESSED_BYTES = int(os.environ.get("INGEST_MAX_XLSX_UNCOMPRESSED_BYTES", str(200 * 1024 * 1024)))
# A ZIP download (every source, manage.py ingest too): the file read inside it may expand to at most this many
# bytes, and to at most this many times its packed size once over 10 MB (a ZIP bomb), checked before and while
# it is unpacked (docs/adr/0030-zip-downloads.md). 0 = no limit.
INGEST_MAX_UNZIPPED_BYTES = int(os.environ.get("INGEST_MAX_UNZIPPED_BYTES", str(512 * 1024**2)))
INGEST_MAX_UNZIPPED_RATIO = int(os.environ.get("INGEST_MAX_UNZIPPED_RATIO", "100"))
# Stored bytes of refused (not patient-identifiable) files are deleted after this many days by Celery beat.
#: Below this covered share of a PCN's or borough's members (by registered patients, else denominator, else
#: practices) a roll-up is held back unless an analyst accepts it (docs/adr/0018-coverage-of-derived-values.md).
ROLLUP_MIN_COVERAGE = float(os.environ.get("ROLLUP_MIN_COVERAGE", "0.95"))
#: Code of the practice list-size indicator whose headline value weighs practices in coverage ("" for none).
ROLLUP_LIST_SIZE_INDICATOR = os.environ.get("ROLLUP_LIST_SIZE_INDICATOR", "")
INGEST_REFUSED_RETENTION_DAYS = int(os.environ.get("INGEST_REFUSED_RETENTION_DAYS", "30"))
DATA_UPLOAD_MAX_MEMORY_SIZE = INGEST_MAX_UPLOAD_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
CELERY_BEAT_SCHEDULE = {
    "scan-drop-folder": {"task": "outcomes.ingest.tasks.scan_drop_folder", "schedule": 60.0},
    "delete-refused-files": {"task": "outcomes.ingest.tasks.delete_refused_files", "schedule": 6 * 3600.0},
}
# An unacknowledged task (its worker died) is redelivered after this many seconds; longer than any task.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "3600"))}

# Built pages are cached by data version (dashboards/cache.py): Redis in production, per process locally.
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["CACHE_URL"]}
        if os.environ.get("CACHE_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "harrow"}
    )
}
# Rebuild the most-read pages in a worker after each load (only worth it with a real broker).
DASHBOARD_WARM_AFTER_LOAD = env_bool("DASHBOARD_WARM_AFTER_LOAD", bool(CELERY_BROKER_URL))

# ---- SPC charts -------------------------------------------------------------------------------------------------
# Fewest points in a period (since the last re-base) for process limits and icons; fewer draw a run chart that says
# "too few points" (Making Data Count advises 15 or more; NHSRplotthedots warns below 13).
SPC_MIN_POINTS = int(os.environ.get("SPC_MIN_POINTS", "15"))
if SPC_MIN_POINTS < 2:
    raise ValueError("SPC_MIN_POINTS must be at least 2")
#: The board's risk appetite on the 5x5 score: open risks scoring above it are escalated in the board pack's
#: executive summary. 12 puts the NPSA "extreme" band (15 to 25) in front of the board.
BOARD_RISK_APPETITE = int(os.environ.get("BOARD_RISK_APPETITE", "12"))
if not 1 <= BOARD_RISK_APPETITE <= 25:
    raise ValueError("BOARD_RISK_APPETITE is a 5x5 risk score, 1 to 25")
# ---- end SPC charts ---------------------------------------------------------------------------------------------

# ---- SIGN-IN logging: lockouts (warning) and cleared failures and session ends (info) ---------------------------
LOGGING.setdefault("loggers", {})["harrow_bbp.signin"] = {"level": os.environ.get("SIGNIN_LOG_LEVEL", "INFO")}
# ---- end SIGN-IN logging ----------------------------------------------------------------------------------------
# Audit (audit/, ADR 0012): who viewed or downloaded practice-level data is kept this many days, then pruned by
# `manage.py prune_access_log` (run daily by Celery beat).
ACCESS_LOG_RETENTION_DAYS = int(os.environ.get("ACCESS_LOG_RETENTION_DAYS", str(2 * 365)))
CELERY_BEAT_SCHEDULE["prune-access-log"] = {"task": "audit.tasks.prune_access_log", "schedule": 24 * 60 * 60.0}
# ---------------------------------------------------------------------------------------------------------------
# Deployment security (issue 11: HTTPS behind a proxy, HSTS, Content-Security-Policy, refusing unsafe production).
# Kept in one block, with its own additions to INSTALLED_APPS and MIDDLEWARE, so it merges cleanly.
# `python manage.py check --deploy --fail-level WARNING` is clean with the README's production environment
# (tests/integration/harrow_bbp/test_production_settings.py, .ci/production-smoke).
# ---------------------------------------------------------------------------------------------------------------
if PRODUCTION:
    from .production import refuse_unsafe_production

    refuse_unsafe_production(debug=DEBUG, secret_key=SECRET_KEY, environ=dict(os.environ))

# TLS ends at the reverse proxy, which must set (overwrite, never pass through) X-Forwarded-Proto; gunicorn listens
# only where the proxy can reach it. SECURE_PROXY_SSL_HEADER names the header, empty when nothing in front sets it.
_proxy_ssl_header = os.environ.get("SECURE_PROXY_SSL_HEADER", "X-Forwarded-Proto" if PRODUCTION else "").strip()
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_" + _proxy_ssl_header.upper().replace("-", "_"), "https") if _proxy_ssl_header else None
)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
# The proxy's health check asks over plain HTTP: answered, not redirected (harrow_bbp/health.py).
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000" if PRODUCTION else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
# Preloading commits the whole registrable domain (nhs.uk, not this host) to HTTPS in every browser: the domain
# owner's decision, so off unless set, and Django's reminder about it (security.W021) silenced (ADR 0009).
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# Content-Security-Policy on every response (django-csp). Every script is a file under /static/ (plotly.js, htmx,
# the NHS.UK frontend, dashboards/charts.js); figures are JSON in <script type="application/json">, which is data.
# Styles allow 'unsafe-inline' because plotly.js writes <style> rules and style attributes as it draws (ADR 0009).
# img-src allows data: for board-pack charts (PNG data URIs) and plotly's modebar image download.
INSTALLED_APPS.append("csp")
MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1, "csp.middleware.CSPMiddleware")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
