"""Settings for every environment, read from the process environment (twelve-factor).

Production runs this module as it is; `dev` and `test` change a few values for a developer's machine.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parents[2]
PROJECT_DIR = PACKAGE_DIR.parents[1]
VAR_DIR = PROJECT_DIR / "var"

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "kommunalportal.core",
    "kommunalportal.accounts",
    "kommunalportal.organisations",
    "kommunalportal.documents",
    "kommunalportal.notifications",
    "kommunalportal.grants",
    "kommunalportal.monitor",
    "kommunalportal.opendata",
    "kommunalportal.api",
    "kommunalportal.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "kommunalportal.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kommunalportal.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "kommunalportal.accounts.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "kommunalportal.core.middleware.MethodNotAllowedPageMiddleware",
    # Last, as django-axes asks, so that it sees the outcome of every login attempt.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kommunalportal.config.urls"
CSRF_FAILURE_VIEW = "kommunalportal.core.errorviews.csrf_failure"
WSGI_APPLICATION = "kommunalportal.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kommunalportal.core.context_processors.layout",
            ],
        },
    },
]

# Embedded SQLite unless DATABASE_URL names another database (PostgreSQL in production).
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'kommunalportal.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(exist_ok=True)
    # Take the write lock when a transaction starts, so that concurrent writers queue instead of
    # failing half-way ("database is locked") and the audit chain is extended one writer at a time.
    # Write-ahead log: readers never wait for the writer; with it, synchronous=NORMAL syncs at checkpoints
    # instead of every commit and still never corrupts the file (SQLite's own recommendation for WAL).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# The default cache holds the API's request counts (its rate limits), which every server process must share:
# a table in the database, created once with `manage.py createcachetable`. Development and tests keep it in memory.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "kommunalportal_cache"},
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses locked-out attempts before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:profile"
LOGOUT_REDIRECT_URL = "core:home"

# Brute-force protection: five failures for one account from one address lock that pair for 30 minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_CALLABLE = "kommunalportal.accounts.views.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0)

OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Kommunalportal Hessen")

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=PROJECT_DIR / "staticfiles")
NODE_MODULES = PROJECT_DIR / "node_modules"
# Front-end packages are installed by npm and served straight from node_modules under a prefix;
# collectstatic copies them for production. No copy of a package is committed.
STATICFILES_DIRS = [
    PACKAGE_DIR / "static",
    ("vendor/kern", NODE_MODULES / "@kern-ux" / "native" / "dist"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/leaflet", NODE_MODULES / "leaflet" / "dist"),
]
# Issued documents (PDFs); kept out of the web server's reach, served only through a permission check.
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=VAR_DIR / "media")
MEDIA_URL = "/medien/"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# EMAIL_URL, e.g. smtp+tls://user:password@mail.example.org:587; the console by default.
_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST", "localhost")
EMAIL_PORT = _email.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
# Background work (ADR 0005): tasks are rows in the portal's own database, run by `manage.py db_worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# The account of the state treasury that pays the grants (the debtor of every SEPA payment file).
# The default is an example account for the demo; production sets the treasury's real one.
TREASURY_NAME = env.str("TREASURY_NAME", default="Land Hessen Landeshauptkasse")
TREASURY_IBAN = env.str("TREASURY_IBAN", default="DE02500500000001000130")
TREASURY_BIC = env.str("TREASURY_BIC", default="HELADEFFXXX")

DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Kommunalportal <noreply@kommunalportal.invalid>")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_AGE = 8 * 60 * 60
# Behind TLS (production): redirect to HTTPS and send HSTS; off on a developer's machine.
SECURE_SSL_REDIRECT = env.bool("DJANGO_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=False)
if env.bool("DJANGO_BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# The official data the registry is loaded from (shipped with the project, see its README).
REGISTRY_DATA_DIR = PACKAGE_DIR / "organisations" / "data" / "hessen"

# The granting authority as its documents name it.
AUTHORITY_NAME = env.str("KP_AUTHORITY_NAME", default="Hessisches Ministerium für Digitalisierung und Innovation")
AUTHORITY_ADDRESS = env.str("KP_AUTHORITY_ADDRESS", default="Kaiser-Friedrich-Ring 75, 65185 Wiesbaden")
# Attachments of applications: PDF only, at most this size.
ATTACHMENT_MAX_BYTES = env.int("KP_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)


# The read API (`kommunalportal.api`): versioned in the path (/api/v1/), public data without a login, the
# rest with a token (or the browser's session) and the same visibility rules as the pages; errors as
# problem details (RFC 9457); the OpenAPI document from drf-spectacular, its browsable docs served locally.
REST_FRAMEWORK = {
    "DEFAULT_VERSIONING_CLASS": "rest_framework.versioning.URLPathVersioning",
    "ALLOWED_VERSIONS": ["v1"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "kommunalportal.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "EXCEPTION_HANDLER": "kommunalportal.api.problems.problem_response",
    # Every endpoint counts requests: signed-in callers per person, everyone else per client address (beyond the
    # rate a 429 problem with Retry-After). The counts live in the default cache (see docs/api.md).
    "DEFAULT_THROTTLE_CLASSES": [
        "kommunalportal.api.throttling.AnonymousRateThrottle",
        "kommunalportal.api.throttling.PersonRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="60/minute"),
        "user": env.str("API_THROTTLE_USER", default="300/minute"),
    },
    # The client address is the one the trusted proxies saw (as for the sign-in lockout); without this, a
    # client could choose its own address with X-Forwarded-For.
    "NUM_PROXIES": AXES_IPWARE_PROXY_COUNT,
}
# API tokens (django-rest-knox): the database keeps a SHA-512 digest of the key (and its first 15 characters, to
# find it); the key is shown once. A token expires API_TOKEN_DAYS after it was issued and is not extended by use:
# its holder renews it deliberately, which replaces the old one (one token per person: `api.services.issue_token`).
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=env.int("API_TOKEN_DAYS", default=90)),
    "AUTO_REFRESH": False,
    "TOKEN_LIMIT_PER_USER": 1,
    "AUTH_HEADER_PREFIX": "Token",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Kommunalportal API",
    "DESCRIPTION": "Programmes, calls, communes, awards and indicators of the state's municipal digitalisation.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
