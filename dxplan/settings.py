"""dxplan settings.

With no environment at all this is the embedded default: SQLite file under
var/, Celery tasks executed in-process, e-mail printed to the console, DEBUG on
(local profile). Production differs only by environment variables; see the
README for the list. DXPLAN_PROFILE=production turns on the hardening that
`manage.py check --deploy` asks for and makes the secrets mandatory.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
import plotly
from django.utils.translation import gettext_lazy as _

from dxplan.env import env_bool, env_choice, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("DXPLAN_VAR_DIR", str(BASE_DIR / "var")))

PROFILE = env_choice("DXPLAN_PROFILE", "local", ("local", "production"))
PRODUCTION = PROFILE == "production"

DEBUG = env_bool("DJANGO_DEBUG", not PRODUCTION)
if PRODUCTION and DEBUG:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("DJANGO_DEBUG must not be on in the production profile.")

SECRET_KEY = env_str(
    "DJANGO_SECRET_KEY",
    None if PRODUCTION else "local-only-insecure-key-dxplan-not-for-production-use-0123456789",
    required=PRODUCTION,
)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
if PRODUCTION and not ALLOWED_HOSTS:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS is required in the production profile.")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "django_htmx",
    "axes",
    "plans",
    "kpis",
    "projects",
    "imports",
    "reports",
    "public",
]

MIDDLEWARE = [
    "dxplan.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "dxplan.control_characters.ControlCharacterMiddleware",  # 400 for a NUL etc. in any input
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",  # the lock-out page (plans.signin: see "Sign-in" below)
    "dxplan.unavailable.DatabaseUnavailableMiddleware",  # last: sees the views' database errors first
]

ROOT_URLCONF = "dxplan.urls"
WSGI_APPLICATION = "dxplan.wsgi.application"
ASGI_APPLICATION = "dxplan.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kpis.context_processors.permissions",  # `may`: role flags, from kpis.permissions
            ],
        },
    },
]

# Database: SQLite file by default, anything dj-database-url understands otherwise
# (postgres://user@127.0.0.1:5432/dxplan). Bad URLs raise at start-up.
# Connections persist (issue 16: opening one per request was 15–17 % of a save's time):
# DATABASE_CONN_MAX_AGE seconds on a server database (60 unless set; 0 closes after each
# request), checked before reuse (DATABASE_CONN_HEALTH_CHECKS), so a restarted server costs
# one reconnect, not an error. SQLite opens a file, nothing to keep: 0 unless set.
_DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'dxplan.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(
        _DATABASE_URL,
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0 if _DATABASE_URL.startswith("sqlite") else 60, minimum=0),
        conn_health_checks=env_bool("DATABASE_CONN_HEALTH_CHECKS", True),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "plans.User"

# Password rules for local accounts (directory accounts have no dxplan password): at least 12
# characters, not like the user name or names, not a common password, not all digits. Django's
# validators, with their Japanese messages; they apply wherever a password is set through a form
# or changepassword / createsuperuser (load_demo sets the documented demo password directly).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Sign-in (plans/signin/, README "Sign-in") ---------------------------------------------
# Lock-out first (django-axes), then the city's directory (off while DXPLAN_LDAP_URL is unset),
# the trusted header (only with its middleware, below), then local passwords.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "plans.signin.backends.DirectoryBackend",
    "plans.signin.backends.TrustedHeaderBackend",
    "django.contrib.auth.backends.ModelBackend",
]
_LDAP_URLS = env_list("DXPLAN_LDAP_URL")
DXPLAN_LDAP = {
    "urls": tuple(_LDAP_URLS),
    "bind_dn": env_str("DXPLAN_LDAP_BIND_DN", ""),
    "bind_password": env_str("DXPLAN_LDAP_BIND_PASSWORD", ""),
    "user_search_base": env_str("DXPLAN_LDAP_USER_SEARCH_BASE", required=True),
    "username_attribute": env_str("DXPLAN_LDAP_USERNAME_ATTRIBUTE", "uid"),
    "user_filter": env_str("DXPLAN_LDAP_USER_FILTER", "(objectClass=person)"),
    "group_search_base": env_str("DXPLAN_LDAP_GROUP_SEARCH_BASE", ""),
    "group_filter": env_str("DXPLAN_LDAP_GROUP_FILTER", "(|(member={dn})(uniqueMember={dn}))"),
    "disabled_group": env_str("DXPLAN_LDAP_DISABLED_GROUP", ""),
    "start_tls": env_bool("DXPLAN_LDAP_START_TLS", False),
    "timeout": env_int("DXPLAN_LDAP_TIMEOUT", 5, minimum=1),
} if _LDAP_URLS else None
# Sign-in by a header the city's reverse proxy / SAML gateway sets, e.g. X-Remote-User: off
# unless named. Only behind a proxy that strips it from clients (README "Sign-in").
DXPLAN_TRUSTED_HEADER = env_str("DXPLAN_TRUSTED_HEADER", "")
DXPLAN_TRUSTED_HEADER_PROXIES = env_list("DXPLAN_TRUSTED_HEADER_PROXIES")
if DXPLAN_TRUSTED_HEADER:
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
        "plans.signin.middleware.TrustedHeaderMiddleware",
    )
# Lock-out (django-axes): after DXPLAN_LOGIN_FAILURE_LIMIT failures for one user name from one
# address, that pair is locked for DXPLAN_LOGIN_LOCKOUT_MINUTES (0: until an administrator
# deletes the lock under /admin/axes/accessattempt/). A success resets the count.
AXES_ENABLED = env_bool("DXPLAN_LOGIN_LOCKOUT", True)
AXES_FAILURE_LIMIT = env_int("DXPLAN_LOGIN_FAILURE_LIMIT", 5, minimum=1)
_LOCKOUT_MINUTES = env_int("DXPLAN_LOGIN_LOCKOUT_MINUTES", 30, minimum=0)
AXES_COOLOFF_TIME = timedelta(minutes=_LOCKOUT_MINUTES) if _LOCKOUT_MINUTES else None
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "plans.signin.views.locked_out"
AXES_VERBOSE = False

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Japanese first, English through the language switcher / Accept-Language.
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("Japanese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# English dates and times without a trailing period (dxplan/formats/en/formats.py).
FORMAT_MODULE_PATH = ["dxplan.formats"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # plotly.js from the installed plotly package, as /static/vendor/plotly/plotly.min.js (no CDN).
    ("vendor/plotly", Path(plotly.__file__).resolve().parent / "package_data"),
]
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(VAR_DIR / "staticfiles")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", str(VAR_DIR / "media")))
# Locally WhiteNoise serves straight from the app and project static folders, so
# `make run` needs no collectstatic; production serves the collected, hashed files.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Celery: without a broker the tasks run in-process (eager), so the embedded
# default needs no Redis. REDIS_URL is accepted as the broker for convenience.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", env_str("REDIS_URL"))
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A worker child whose memory passed this (KiB) after a task is replaced, so one large file
# cannot leave a bloated process behind for the next tasks (imports.limits.PEAK_RSS_MB is
# what reading any accepted workbook needs; the tasks' time limits sit on each task).
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env_int("DXPLAN_WORKER_MAX_MEMORY_KB", 400 * 1024, minimum=1)
CELERY_TIMEZONE = TIME_ZONE
if CELERY_BROKER_URL is None:
    CELERY_BROKER_URL = "memory://"
# A dead broker must not hang a request: queueing a task gives up within a few seconds and
# the job is marked failed with a message (plans.background). Ours are tried twice.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5, "interval_max": 0.5}
# A worker running a report job or an import renews its heartbeat this often; four missed
# beats and the sweep (every minute) fails the job as lost (plans.heartbeat).
# DXPLAN_REPORT_HEARTBEAT_SECONDS is the older name (report jobs only), still read.
DXPLAN_HEARTBEAT_SECONDS = env_int(
    "DXPLAN_HEARTBEAT_SECONDS", env_int("DXPLAN_REPORT_HEARTBEAT_SECONDS", 30, minimum=1), minimum=1
)

# Cache: Redis when DXPLAN_CACHE_URL is set (or the Celery broker is Redis), else per-process
# memory. The dashboards cache their plan-wide counts only in a cache every process shares
# (reports.dashboards.cache), so it is on exactly when Redis is.
CACHE_URL = env_str("DXPLAN_CACHE_URL", CELERY_BROKER_URL if CELERY_BROKER_URL.startswith("redis") else None)
CACHES = {
    # dxplan.cache: Django's Redis backend that answers "not cached" while Redis is unreachable.
    "default": {"BACKEND": "dxplan.cache.DegradingRedisCache", "LOCATION": CACHE_URL, "KEY_PREFIX": "dxplan",
                "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}
    if CACHE_URL else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}
DXPLAN_DASHBOARD_CACHE = env_bool("DXPLAN_DASHBOARD_CACHE", CACHE_URL is not None)

# The annual report's PDF: LibreOffice's soffice (name on PATH or a path) and the most seconds
# one conversion may take before it is killed; without the binary the PDF option is off.
DXPLAN_PDF_RENDERER = env_str("DXPLAN_PDF_RENDERER", "soffice")
DXPLAN_PDF_TIMEOUT = env_int("DXPLAN_PDF_TIMEOUT", 600, minimum=1)

# Excel import limits: refuse larger workbooks before reading them; every other bound on
# what a workbook may make the import read is in imports/limits.py (override: DXPLAN_IMPORT_LIMITS).
DXPLAN_IMPORT_MAX_BYTES = env_int("DXPLAN_IMPORT_MAX_BYTES", 20 * 1024 * 1024, minimum=1)
DXPLAN_IMPORT_MAX_ROWS = env_int("DXPLAN_IMPORT_MAX_ROWS", 100_000, minimum=1)

# E-mail: console by default, SMTP when EMAIL_HOST is set.
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "dxplan@localhost")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: DRF takes the 401 challenge (WWW-Authenticate: Token) from the first
        # class; the session (the browser, the browsable API) still authenticates after it.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # ?limit= 1–500 (default 100), ?offset= checked: plans.api_query.
    "DEFAULT_PAGINATION_CLASS": "plans.api_query.CappedLimitOffsetPagination",
    "PAGE_SIZE": 100,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # The public API (/api/public/v1/) is anonymous: requests per client address.
    "DEFAULT_THROTTLE_RATES": {"public_api": env_str("DXPLAN_PUBLIC_API_RATE", "120/min")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "dxplan API",
    "DESCRIPTION": "REST API of dxplan: the plan, indicators with yearly values and achievement, and the yearly entry and review round.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Swagger UI assets come from our own static files: city networks are closed.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several choice sets have a field named "kind": each gets its own enum name.
    "ENUM_NAME_OVERRIDES": {
        "IndicatorKindEnum": "kpis.models.IndicatorKind",
        "RoundTextKindEnum": "kpis.models.RoundTextKind",
    },
    # Every operation documents 400/401/403/404 (dxplan.api_schema), after the enum hook.
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "dxplan.api_schema.document_errors"],
}

# Content-Security-Policy (django-csp): scripts only from our static files (no inline code; data
# reaches scripts through json_script, which is JSON, not code), nothing from elsewhere. Inline
# style="" attributes stay allowed: the bar widths of the dashboards and plotly's own styling.
from csp.constants import NONE, SELF, UNSAFE_INLINE  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_choice("DXPLAN_LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR"))},
}

if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"
