"""Settings read from the environment (12-factor).

Every secret may also come from a file named by ``NAME_FILE`` (Docker/systemd
credentials), so it never has to sit in the environment itself.
"""

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent


def envstr(name: str, default: str | None = None) -> str | None:
    """A value from ``NAME``, else from the file named by ``NAME_FILE``."""
    value = os.environ.get(name)
    if value is not None:
        return value
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return default


def envbool(name: str, default: str = "False") -> bool:
    return (envstr(name, default) or "").strip().lower() in ("1", "true", "yes", "on", "sim", "s")


def envint(name: str, default: int) -> int:
    return int(envstr(name, str(default)) or default)


DATA_DIR = Path(envstr("REGUA_DATA_DIR", "var") or "var").resolve()

# Régua's files hold customers' personal data and the keys to its secrets. Every
# file this process creates (the database with its WAL and journals, uploads,
# exports, rejected rows, PDFs, collected static files) is readable by its owner
# only, and a new data folder is 700. `regua check --deploy` warns about an older
# folder that others can read (regua.access.checks).
os.umask(0o077)
DATA_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)


def _secret_key() -> str:
    """SECRET_KEY from the environment, else generated once into the data folder."""
    key = envstr("SECRET_KEY")
    if key:
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = envbool("DEBUG")
ALLOWED_HOSTS = [
    h.strip()
    for h in (envstr("ALLOWED_HOSTS", "localhost,127.0.0.1") or "").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in (envstr("CSRF_TRUSTED_ORIGINS", "") or "").split(",") if o.strip()
]

# Plain HTTP keeps working on an office network; REGUA_HTTPS=1 turns on the
# cookie and transport protections for an install behind TLS.
REGUA_HTTPS = envbool("REGUA_HTTPS")
SESSION_COOKIE_SECURE = REGUA_HTTPS
CSRF_COOKIE_SECURE = REGUA_HTTPS
SECURE_SSL_REDIRECT = REGUA_HTTPS
SECURE_HSTS_SECONDS = 31536000 if REGUA_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = REGUA_HTTPS
SECURE_HSTS_PRELOAD = REGUA_HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if REGUA_HTTPS else None
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Load balancers probe the nodes over plain HTTP: /healthz answers there too.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

INSTALLED_APPS = [
    # First: its createsuperuser and changepassword (audited) replace Django's.
    "regua.audit",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "regua.access",
    "regua.receivables",
    "regua.dunning",
    "regua.letters",
    "regua.delivery",
    "regua.web",
    "regua.api",
    "regua.privacy",
    "regua.operations",
    "regua.inbox",
]

# Login throttling wraps the ordinary backend (regua.access).
AUTHENTICATION_BACKENDS = ["regua.access.backends.ThrottledModelBackend"]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # SQLite's write lock not had within the busy timeout: 503, not a 500.
    "regua.operations.middleware.DatabaseBusyMiddleware",
]

ROOT_URLCONF = "regua.urls"
WSGI_APPLICATION = "regua.wsgi.application"

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
            ],
        },
    },
]


# Lets several test runs share a machine without sharing a test database.
TEST_DB_SUFFIX = envstr("REGUA_TEST_DB_SUFFIX", "") or ""


def _databases() -> dict:
    url = envstr("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'regua.sqlite3'}"
    db = dj_database_url.parse(url, conn_max_age=envint("DB_CONN_MAX_AGE", 0))
    if db["ENGINE"] == "django.db.backends.sqlite3":
        # A web server and a worker share one file: WAL lets readers go on
        # while one writes, IMMEDIATE takes the write lock at BEGIN (no
        # deadlock on upgrade), and the timeout waits instead of failing.
        Path(db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        db["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": envint("REGUA_SQLITE_BUSY_TIMEOUT", 30),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        }
        # A file, not memory: tests start `regua` processes against it.
        db["TEST"] = {"NAME": str(DATA_DIR / f"test{TEST_DB_SUFFIX}.sqlite3")}
    else:
        db["TEST"] = {"NAME": f"test_regua{TEST_DB_SUFFIX}"}
    return {"default": db}


DATABASES = _databases()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "pt-br"
LANGUAGES = [("pt-br", "Português (Brasil)"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "America/Sao_Paulo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_ROOT = DATA_DIR / "media"
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Pages look right with DEBUG off even before `regua collectstatic` has run.
WHITENOISE_USE_FINDERS = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"

TASKS_BACKEND = envstr("REGUA_TASKS_BACKEND", "django_tasks_db.DatabaseBackend") or ""
TASKS = {"default": {"BACKEND": TASKS_BACKEND, "QUEUES": ["default"]}}
if TASKS_BACKEND.startswith("django_tasks_rq"):
    # Larger installations: tasks through Redis (`uv sync --extra rq`).
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {"default": {"URL": envstr("REGUA_REDIS_URL", "redis://127.0.0.1:6379/0")}}
    # `regua rqworker` must run jobs through the tasks backend's Job class,
    # which calls the task; rq's plain Job would call the Task object itself.
    RQ = {"JOB_CLASS": "django_tasks_rq.backend.Job"}

# E-mail: in demo mode messages are captured in the database, never sent.
REGUA_EMAIL_CAPTURE = envbool("REGUA_EMAIL_CAPTURE")
REGUA_ENCRYPTION_KEY = envstr("REGUA_ENCRYPTION_KEY")
REGUA_ENCRYPTION_KEY_PATH = DATA_DIR / "encryption.key"

# A worker not heard from for this long is taken for dead (Painel banner, /healthz?workers=1).
REGUA_WORKER_STALE_SECONDS = envint("REGUA_WORKER_STALE_SECONDS", 180)
# SMTP connections each worker (and each `regua run` delivering itself) keeps
# open: a provider answering every command after tens of milliseconds is then
# talked to K times at once. The provider's rate limit still holds across all.
REGUA_SMTP_CONNECTIONS = envint("REGUA_SMTP_CONNECTIONS", 4)

# Pasta de importação (regua.inbox): where the ERP drops its exports; empty = off.
REGUA_INBOX_DIR = envstr("REGUA_INBOX_DIR", "") or ""
# NAME-PATTERN=kind[+snapshot], comma-separated (default: WinThor's PCFILIAL, PCCOB, PCCLIENT, PCPREST).
REGUA_INBOX_PATTERNS = envstr("REGUA_INBOX_PATTERNS", "") or ""
# A file is read once unchanged for this long (the ERP has finished writing it).
REGUA_INBOX_STABLE_SECONDS = envint("REGUA_INBOX_STABLE_SECONDS", 60)
# A file refused only for what has not arrived yet is tried again for this long.
REGUA_INBOX_RETRY_HOURS = envint("REGUA_INBOX_RETRY_HOURS", 6)
# A snapshot settling more than this share of a branch's open títulos waits for a person.
REGUA_INBOX_SETTLE_LIMIT_PERCENT = envint("REGUA_INBOX_SETTLE_LIMIT_PERCENT", 30)

# R2: move a due date that falls on a non-business day to the next business day.
REGUA_MOVE_DUE_DATES = envbool("REGUA_MOVE_DUE_DATES", "True")
# R4: minimum days between two notices to one customer; 0 = off (the default).
REGUA_MIN_INTERVAL_DAYS = envint("REGUA_MIN_INTERVAL_DAYS", 0)

# LGPD: history older than this is pruned by `regua privacy prune` (R10).
REGUA_HISTORY_RETENTION_DAYS = envint("REGUA_HISTORY_RETENTION_DAYS", 1825)

# Login throttling (regua.access): failures per username and per client address
# within the window; behind a proxy, name the header that carries the client.
REGUA_LOGIN_MAX_FAILURES = envint("REGUA_LOGIN_MAX_FAILURES", 5)
REGUA_LOGIN_MAX_FAILURES_PER_IP = envint("REGUA_LOGIN_MAX_FAILURES_PER_IP", 20)
REGUA_LOGIN_WINDOW_MINUTES = envint("REGUA_LOGIN_WINDOW_MINUTES", 15)
REGUA_CLIENT_IP_HEADER = envstr("REGUA_CLIENT_IP_HEADER", "") or ""

# `regua serve` asks its processes for one line per event on standard output,
# as text ("line") or JSON ("json"); otherwise messages go to standard error as they are.
REGUA_LOG_FORMAT = envstr("REGUA_LOG_FORMAT", "") or ""
_CONSOLE: dict[str, str] = {"class": "logging.StreamHandler"}
if REGUA_LOG_FORMAT in ("line", "json"):
    _CONSOLE |= {"stream": "ext://sys.stdout", "formatter": REGUA_LOG_FORMAT}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "line": {"()": "regua.operations.logs.LineFormatter"},
        "json": {"()": "regua.operations.logs.JsonFormatter"},
    },
    "handlers": {"console": _CONSOLE},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "WARNING")},
}
