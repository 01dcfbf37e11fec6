"""Epaphras settings, read from the environment.

With nothing set, the app runs on the embedded default: SQLite, Celery's server-less
``filesystem://`` broker and email printed to the console, all under ``var/``.
``EPAPHRAS_ENV=production`` switches on the production posture (DEBUG off, secrets required,
HTTPS-only cookies, HSTS); see docs/deployment.md for every variable.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("EPAPHRAS_VAR_DIR", BASE_DIR / "var"))


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


ENVIRONMENT = env("EPAPHRAS_ENV", "development")
if ENVIRONMENT not in {"development", "production"}:
    raise ImproperlyConfigured("EPAPHRAS_ENV must be 'development' or 'production'.")
PRODUCTION = ENVIRONMENT == "production"

DEBUG = env_bool("DJANGO_DEBUG", default=not PRODUCTION)

SECRET_KEY = env("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY is required when EPAPHRAS_ENV=production.")
    SECRET_KEY = "development-only-not-secret-epaphras-embedded-default-key-0123456789"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# The public address used in emails, where no request is at hand (Celery tasks).
SITE_URL = env("EPAPHRAS_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_htmx",
    "django_ratelimit",
    "template_partials",
    "accounts",
    "notifications",
    "partnerships",
    "intercession",
    "testimonies",
    "overview",
    "imports",
    "exports",
    "demo",
]

MIDDLEWARE = [
    "config.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.middleware.PrivateResponsesMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.middleware.RejectNulMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "accounts.middleware.IdleTimeoutMiddleware",
    "accounts.middleware.UserTimeZoneMiddleware",
    "accounts.middleware.UserLanguageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "partnerships.context_processors.navigation",
                "partnerships.context_processors.membership",
                "testimonies.context_processors.notices",
                "accounts.context_processors.offline_owner",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'epaphras.sqlite3'}"),
        conn_max_age=int(env("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
RANDOM_PAGE_COST = env("EPAPHRAS_PG_RANDOM_PAGE_COST", "1.1")
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and RANDOM_PAGE_COST:
    # What the planner takes a random read to cost against a sequential one. PostgreSQL's
    # default (4) is for spinning disks: with it, a page that follows a community's few partners
    # to their requests scans every community's requests instead (17 ms against 1 ms with
    # 200 communities; docs/performance.md). 1.1 suits SSDs and a database held in memory.
    # Empty: leave it to the database (a pooler that refuses startup options).
    try:
        cost = float(RANDOM_PAGE_COST)
    except ValueError:
        raise ImproperlyConfigured(
            "EPAPHRAS_PG_RANDOM_PAGE_COST must be a number, or empty to leave it to PostgreSQL."
        ) from None
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c random_page_cost={cost}".strip()
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # SQLite keeps no persistent connections worth checking; WAL lets the worker read while
    # the web process writes.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Flash messages can name partners: keep them in the server-side session, not in a cookie.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "partnerships:home"

# --- The shared cache --------------------------------------------------------------------
# Rate limits (allauth's and the app's own) count in the cache, so every web process must
# share it: Redis in production (CACHE_URL=redis://…, Django's own Redis backend), else a
# table in the app's database, which every process of the embedded stack shares too. Never a
# per-process memory cache: each gunicorn worker would count failures on its own.
CACHE_URL = env("CACHE_URL")
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "epaphras",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "epaphras_cache",
        }
    }
# Behind a reverse proxy every client arrives from the proxy's address: the number of proxies
# in front of the app that append to X-Forwarded-For (docs/deployment.md). 0: none, the
# client's own address is REMOTE_ADDR.
ALLAUTH_TRUSTED_PROXY_COUNT = int(env("EPAPHRAS_TRUSTED_PROXY_COUNT", "0"))
# The app's own limits (accounts/ratelimits.py), per person: "I prayed" taps (the page and the
# email links) and invitations sent by a coordinator. allauth's own limits (sign-in failures
# 5 per 5 minutes per account, codes, sign-up, password reset) are its defaults.
RATE_LIMITS = {
    "pray": env("EPAPHRAS_RATE_PRAY", "30/m"),
    "invite": env("EPAPHRAS_RATE_INVITE", "60/h"),
}
RATELIMIT_IP_META_KEY = "accounts.ratelimits.client_ip"
# django-ratelimit names only memcached and django-redis as supported: Django's own Redis
# backend (W001) increments atomically too. The database cache (E003) is shared by every
# process but increments in two steps, so two taps at the same instant may both be counted
# as the first: a limit of 30 may let 31 through, never a process's worth more.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001", "django_ratelimit.E003"]

# --- django-allauth: email only, no usernames ---------------------------------------------
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupForm"
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = True
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# Nobody learns from these pages whether an address has an account: sign-up, password reset
# and the sign-in code answer the same for every address, and what differs goes by email to
# that address (see docs/decisions.md).
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Epaphras] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Epaphras"

# --- Sessions and security ----------------------------------------------------------------
SESSION_COOKIE_AGE = 60 * 60 * 24 * 30
# Sessions are written to the database and read from the shared cache (Redis in production):
# one query fewer on every signed-in page, and a session outlives a cache that is emptied.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# Signed out after this many minutes without a request (0: only SESSION_COOKIE_AGE applies).
SESSION_IDLE_TIMEOUT = int(env("EPAPHRAS_SESSION_IDLE_MINUTES", "0")) * 60
# Changing email or password asks for the password (or a code) again, as two-factor always
# does: a session left open on a shared computer cannot take the account over.
ACCOUNT_REAUTHENTICATION_REQUIRED = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(env("DJANGO_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # /healthz is probed over plain HTTP by load balancers.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Content-Security-Policy: nothing inline, nothing from elsewhere. htmx is vendored and its
# inline indicator styles are switched off in base.html.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # allauth's TOTP setup shows its QR code as a data: URI.
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

# --- Internationalisation -----------------------------------------------------------------
# The languages offered are the catalogues present (locale/<code>/LC_MESSAGES/django.po),
# each named in its own language: adding one is only adding its catalogue (docs/languages.md).
LANGUAGE_CODE = "en"
LOCALE_PATHS = [BASE_DIR / "locale"]


def _languages_present() -> list[tuple[str, str]]:
    from django.conf.locale import LANG_INFO

    codes = sorted(p.parent.parent.name for p in LOCALE_PATHS[0].glob("*/LC_MESSAGES/django.po"))
    codes.sort(key=lambda code: code != LANGUAGE_CODE)
    named = []
    for code in codes:
        name = LANG_INFO.get(code.lower().replace("_", "-"), {}).get("name_local", code)
        named.append((code.lower().replace("_", "-"), name[:1].upper() + name[1:]))
    return named


LANGUAGES = _languages_present()
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static and media files ---------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("EPAPHRAS_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = not PRODUCTION
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("EPAPHRAS_MEDIA_ROOT", str(VAR_DIR / "media")))
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

# --- Email --------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Epaphras <prayer@epaphras.localhost>")
SERVER_EMAIL = env("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
EMAIL_HOST = env("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(env("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = env("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_TIMEOUT = int(env("EMAIL_TIMEOUT", "20"))
elif env("EMAIL_FILE_PATH"):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = env("EMAIL_FILE_PATH")
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# --- Celery -------------------------------------------------------------------------------
# Never name anything CELERY_BROKER: the celery CLI would read it as --broker.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", "filesystem://")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
# The worker logs through LOGGING below (config/logging.py), not through handlers of its own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_FILESYSTEM_DIR = VAR_DIR / "celery"
if CELERY_BROKER_URL.startswith("filesystem://"):
    for folder in ("queue", "processed", "control"):
        (CELERY_FILESYSTEM_DIR / folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_FILESYSTEM_DIR / "queue"),
        "data_folder_out": str(CELERY_FILESYSTEM_DIR / "queue"),
        "processed_folder": str(CELERY_FILESYSTEM_DIR / "processed"),
        # Where the transport keeps its exchange tables (else a "control" folder in the cwd).
        "control_folder": str(CELERY_FILESYSTEM_DIR / "control"),
        "store_processed": False,
    }
    # Remote control (pidbox) broadcasts through files that are read while another process
    # writes them; nothing here uses it, and the embedded worker must not die of it.
    CELERY_WORKER_ENABLE_REMOTE_CONTROL = False
else:
    # Redis redelivers an unacknowledged task after this long (a worker killed mid-task).
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": int(env("EPAPHRAS_BROKER_VISIBILITY_TIMEOUT", str(60 * 60)))
    }

# --- Reminders ----------------------------------------------------------------------------
# A worker holds a delivery this long; after that the sweeper may hand it to another. A long
# batch renews it as it goes (notifications.send._keep_leases). More than EMAIL_TIMEOUT.
REMINDER_LEASE_SECONDS = int(env("EPAPHRAS_REMINDER_LEASE_SECONDS", "60"))
# First retry after a transient SMTP failure; it doubles on each retry.
REMINDER_RETRY_BASE_SECONDS = int(env("EPAPHRAS_REMINDER_RETRY_BASE_SECONDS", "60"))
# While the mail server cannot be reached at all, reminders are tried again this often (not
# backing off), so they go out within about this long of the server coming back.
REMINDER_SERVER_RETRY_SECONDS = int(env("EPAPHRAS_REMINDER_SERVER_RETRY_SECONDS", "60"))
REMINDER_BATCH_SIZE = int(env("EPAPHRAS_REMINDER_BATCH_SIZE", "50"))

# --- Logging ------------------------------------------------------------------------------
# No log line and no error email holds what people wrote (config/logging.py): routes instead
# of paths, tracebacks without exception messages or variables, no request reports.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "routes": {"()": "config.logging.RoutesNotPaths"},
        "with_id": {"()": "config.logging.WithId"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {
        "plain": {
            "()": "config.logging.PrivateFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s [%(id)s] %(message)s",
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["routes", "with_id"],
        },
        "mail_admins": {
            "level": "ERROR",
            "class": "config.logging.PrivateAdminEmailHandler",
            "filters": ["require_debug_false", "routes"],
        },
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own configuration sends these to its console and mail handlers, which
        # would print paths and mail request reports: ours instead, and only ours.
        "django": {"handlers": ["console", "mail_admins"], "level": "INFO", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "WARNING"},
    },
}

ADMINS = [("Epaphras admins", email) for email in env_list("DJANGO_ADMINS")]

# --- Error reports ------------------------------------------------------------------------
# Off unless SENTRY_DSN is set. Reports are scrubbed as the logs are (config/sentry.py): the
# route or task and the code's frames, never the person, what they sent or the message.
SENTRY_DSN = env("SENTRY_DSN")
if SENTRY_DSN:
    from config.sentry import sentry_init

    sentry_init(
        dsn=SENTRY_DSN,
        environment=env("SENTRY_ENVIRONMENT", ENVIRONMENT),
        release=env("SENTRY_RELEASE"),
    )
