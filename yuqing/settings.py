"""Django settings, read only from ``YUQING_*`` environment variables (see docs/settings.md).

An env file named by ``YUQING_ENV_FILE`` (default ``yuqing.env`` in the working directory, if
present) pre-fills variables that the environment does not already set.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import dj_database_url

from yuqing.env import (
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_path,
    env_str,
    env_url,
    load_env_file,
)

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent

_env_file = env_path("YUQING_ENV_FILE", Path.cwd() / "yuqing.env")
if _env_file.is_file():
    load_env_file(_env_file)

DATA_DIR = env_path("YUQING_DATA_DIR", Path.cwd() / "var")
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _persisted_secret(name: str, filename: str) -> str:
    """Use the variable if set, else a random key kept in the data directory.

    A fresh install is therefore never running on a published default key, and restarts keep
    sessions and author pseudonyms stable.
    """
    value = env_str(name, "")
    if value:
        return value
    path = DATA_DIR / filename
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


SECRET_KEY = _persisted_secret("YUQING_SECRET_KEY", "secret_key")
#: HMAC key for author pseudonyms; separate from SECRET_KEY so rotating one keeps the other.
YUQING_AUTHOR_KEY = _persisted_secret("YUQING_AUTHOR_KEY", "author_key")
#: Keys sealing delivery channels' secrets at rest (yuqing/notify/sealed.py): comma-separated,
#: the first seals and every one unseals, so a key is rotated by putting a new one first.
YUQING_SECRETS_KEYS = env_list("YUQING_SECRETS_KEY", []) or [
    _persisted_secret("YUQING_SECRETS_KEY", "secrets_key")]

DEBUG = env_bool("YUQING_DEBUG", False)
ALLOWED_HOSTS = env_list("YUQING_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("YUQING_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "yuqing.orgs",
    "yuqing.audit",
    "yuqing.collect",
    "yuqing.analysis",
    # After analysis: their hooks run on each analysed batch in this order (rumour matches
    # exist before alert rules look for them).
    "yuqing.rumours",
    "yuqing.notify",
    "yuqing.alerts",
    "yuqing.cases",
    "yuqing.search",
    "yuqing.reports",
    "yuqing.web",
    "yuqing.server",
    "yuqing.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "yuqing.web.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "yuqing.web.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "yuqing.audit.middleware.AuditContextMiddleware",
]

ROOT_URLCONF = "yuqing.urls"
WSGI_APPLICATION = "yuqing.wsgi.application"
AUTH_USER_MODEL = "orgs.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "reports:dashboard"
LOGOUT_REDIRECT_URL = "login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "yuqing.web.context.navigation",
            ],
        },
    },
]

SQLITE_PATH = env_path("YUQING_SQLITE_PATH", DATA_DIR / "yuqing.sqlite3")
_database_url = env_str("DATABASE_URL", "")
if _database_url:
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(SQLITE_PATH),
            "OPTIONS": {
                # WAL lets the web process read while the importer or scheduler writes;
                # IMMEDIATE avoids lock-upgrade failures between concurrent writers.
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA busy_timeout=10000;"
                    "PRAGMA temp_store=MEMORY;"
                    "PRAGMA cache_size=-65536;"
                ),
                "transaction_mode": "IMMEDIATE",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": env_int("YUQING_PASSWORD_MIN_LENGTH", 10, minimum=8)}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = env_choice("YUQING_LANGUAGE", "zh-hans", ("zh-hans", "en"))
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = env_str("YUQING_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env_path("YUQING_STATIC_ROOT", DATA_DIR / "static")
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
#: Front-end libraries come from npm at build time (package.json); nothing is fetched at run time.
VENDOR_DIR = env_path("YUQING_VENDOR_DIR", REPO_DIR / "node_modules")
STATICFILES_DIRS = [("vendor/htmx", VENDOR_DIR / "htmx.org" / "dist"),
                    ("vendor/chartjs", VENDOR_DIR / "chart.js" / "dist")]
WHITENOISE_USE_FINDERS = True

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("YUQING_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# --- yuqing's own settings -------------------------------------------------------------------
YUQING_PAGE_SIZE = env_int("YUQING_PAGE_SIZE", 50, minimum=5, maximum=500)
YUQING_IMPORT_BATCH = env_int("YUQING_IMPORT_BATCH", 2000, minimum=1, maximum=50_000)
YUQING_API_MAX_ITEMS = env_int("YUQING_API_MAX_ITEMS", 1000, minimum=1, maximum=100_000)
YUQING_API_MAX_BYTES = env_int("YUQING_API_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
YUQING_EXPORT_MAX_ROWS = env_int("YUQING_EXPORT_MAX_ROWS", 100_000, minimum=1)
YUQING_QUARANTINE_DIR = env_path("YUQING_QUARANTINE_DIR", DATA_DIR / "quarantine")
YUQING_HOST = env_str("YUQING_HOST", "127.0.0.1")
YUQING_PORT = env_int("YUQING_PORT", 8000, minimum=1, maximum=65535)
YUQING_WEB_THREADS = env_int("YUQING_WEB_THREADS", 8, minimum=1, maximum=256)
YUQING_ANALYSIS_BATCH = env_int("YUQING_ANALYSIS_BATCH", 2000, minimum=1, maximum=50_000)
YUQING_ANALYSIS_EVERY = env_int("YUQING_ANALYSIS_EVERY", 1, minimum=1, maximum=3600)
YUQING_ANALYSIS_LINGER = env_int("YUQING_ANALYSIS_LINGER", 1, minimum=0, maximum=3600)
YUQING_ANALYSIS_WORKERS = env_int("YUQING_ANALYSIS_WORKERS", 0, minimum=0, maximum=64)
#: Scale-out (yuqing/server/broker.py): a Redis URL sends the scheduler's runs to
#: ``yuqing worker`` processes; empty runs them in the scheduler's own threads.
YUQING_CELERY_BROKER = env_url("YUQING_CELERY_BROKER", "", ("redis", "rediss"))
YUQING_USER_DICT = env_path("YUQING_USER_DICT", DATA_DIR / "userdict.txt")

# --- collection: sources that fetch themselves (yuqing/collect/fetch, …/sources) ------------
YUQING_FETCH_USER_AGENT = env_str(
    "YUQING_FETCH_USER_AGENT",
    "yuqing/0.1 (self-hosted public-opinion monitoring; respects robots.txt)")
#: Seconds to connect, between two reads, and for a whole response.
YUQING_FETCH_TIMEOUT = env_int("YUQING_FETCH_TIMEOUT", 20, minimum=1, maximum=600)
YUQING_FETCH_MAX_BYTES = env_int("YUQING_FETCH_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
YUQING_FETCH_MAX_REDIRECTS = env_int("YUQING_FETCH_MAX_REDIRECTS", 5, minimum=0, maximum=20)
YUQING_FETCH_RETRIES = env_int("YUQING_FETCH_RETRIES", 2, minimum=0, maximum=10)
YUQING_FETCH_BACKOFF_MS = env_int("YUQING_FETCH_BACKOFF_MS", 2000, minimum=0, maximum=600_000)
YUQING_FETCH_HOST_DELAY_MS = env_int("YUQING_FETCH_HOST_DELAY_MS", 1000, minimum=0,
                                     maximum=600_000)
YUQING_FETCH_HOST_CONCURRENCY = env_int("YUQING_FETCH_HOST_CONCURRENCY", 2, minimum=1,
                                        maximum=64)
YUQING_COLLECT_WORKERS = env_int("YUQING_COLLECT_WORKERS", 4, minimum=1, maximum=64)
YUQING_COLLECT_MAX_PAGES = env_int("YUQING_COLLECT_MAX_PAGES", 500, minimum=1,
                                   maximum=1_000_000)
YUQING_COLLECT_SEEN_DAYS = env_int("YUQING_COLLECT_SEEN_DAYS", 180, minimum=1)
YUQING_COLLECT_FOLDER_ROOTS = env_list("YUQING_COLLECT_FOLDER_ROOTS", [str(DATA_DIR / "inbox")])
# --- end of collection settings -------------------------------------------------------------

# The push API and request bodies are bounded by YUQING_API_MAX_BYTES, not Django's default.
DATA_UPLOAD_MAX_MEMORY_SIZE = YUQING_API_MAX_BYTES

YUQING_LOG_LEVEL = env_choice(
    "YUQING_LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {
        "handlers": ["console"],
        "level": YUQING_LOG_LEVEL,
    },
}

