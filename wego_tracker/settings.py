"""Settings for the WeGO Article 17 compliance tracker.

Everything comes from the environment, with embedded defaults (SQLite, no server to
install, console e-mail) for a person trying the app out. With WEGO_PRODUCTION=1 the
app refuses to start without SECRET_KEY and turns on the secure defaults.
"""

import datetime
import hashlib
import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("WEGO_VAR_DIR", BASE_DIR / "var"))


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PRODUCTION = env_bool("WEGO_PRODUCTION", False)
DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when WEGO_PRODUCTION=1.")
    SECRET_KEY = "insecure-local-development-key-not-for-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_filters",
    "django_tables2",
    "django.forms",
    "import_export",
    "django_celery_beat",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "compliance",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Control characters in the address or a form, and the API's answer when the database
    # is down (compliance/views/guards.py).
    "compliance.views.guards.RequestGuardMiddleware",
    # Content-Security-Policy (settings below); Permissions-Policy comes from the guard.
    "csp.middleware.CSPMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "wego_tracker.urls"
WSGI_APPLICATION = "wego_tracker.wsgi.application"

# Every form renders in KRDS markup (templates/forms/krds/, compliance/forms/renderer.py).
FORM_RENDERER = "compliance.forms.renderer.KrdsFormRenderer"
DJANGO_TABLES2_TEMPLATE = "tables/krds_table.html"
# A failed CSRF check gets a page in the site's look with a way back to the form.
CSRF_FAILURE_VIEW = "compliance.views.errors.csrf_failure"

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
                "compliance.context_processors.roles",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

# The city's calendar: store UTC, show Asia/Seoul.
LANGUAGE_CODE = "ko"
LANGUAGES = [("ko", _("Korean")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Seoul"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("WEGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
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
WHITENOISE_USE_FINDERS = not PRODUCTION

# Uploaded submissions are private: never under STATIC or a public MEDIA URL.
PRIVATE_STORAGE_ROOT = Path(os.environ.get("WEGO_PRIVATE_STORAGE", VAR_DIR / "private"))

# --- E-mail ------------------------------------------------------------------------------
# Sent only by the Celery worker, never inside a request (receipts: compliance.services.
# receipts; alerts: compliance.services.alerts). docker-compose passes these.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "wego-tracker@localhost")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)  # STARTTLS, usually port 587
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)  # TLS from the first byte, usually port 465
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("Set EMAIL_USE_TLS (STARTTLS) or EMAIL_USE_SSL (implicit TLS), not both.")
# Seconds a connection or an answer of the SMTP server may take. A hung server then
# fails one send after this long (recorded, retried later) instead of holding a worker.
EMAIL_TIMEOUT = float(os.environ.get("EMAIL_TIMEOUT", "15"))
# Back-off of a failed receipt e-mail: this many seconds, then twice as long each time (6 h at most).
WEGO_EMAIL_RETRY_SECONDS = int(os.environ.get("WEGO_EMAIL_RETRY_SECONDS", "300"))
# A sent e-mail whose record fails (the database went away right after the send) is
# recorded again for up to this long before the worker gives up (compliance/services/outbox.py).
WEGO_MARK_SENT_RETRY_SECONDS = int(os.environ.get("WEGO_MARK_SENT_RETRY_SECONDS", "120"))

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
# Production behind a TLS-terminating proxy (WEGO_BEHIND_TLS_PROXY=1) is served over
# HTTPS only: secure cookies, the redirect and HSTS default on. Without the proxy (the
# compose stack opened at http://localhost:8000/) they default off, since nothing would
# answer HTTPS; `check --deploy` then warns. Each can still be set on its own.
_HTTPS = PRODUCTION and env_bool("WEGO_BEHIND_TLS_PROXY", False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", _HTTPS)

# --- HTTPS (production: `manage.py check --deploy` is clean) ------------------------------
# The app serves plain HTTP behind a TLS-terminating reverse proxy (docker-compose).
# WEGO_BEHIND_TLS_PROXY=1 trusts the proxy's X-Forwarded-Proto; set it only when the
# proxy sets that header and clients cannot reach the app around the proxy.
if env_bool("WEGO_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", _HTTPS)
# The container health check asks over plain HTTP from inside; it is never redirected.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600 if _HTTPS else 0)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", _HTTPS)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = []
if not SECURE_HSTS_PRELOAD:
    # Preloading commits the whole registrable domain (e.g. seoul.go.kr) to HTTPS in
    # browsers for good: the city's decision, not this app's. SECURE_HSTS_PRELOAD=1 once made.
    SILENCED_SYSTEM_CHECKS.append("security.W021")
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): scripts, styles, fonts and images from this site
# only, no inline script or style, no eval, nothing framed. The pages need no more: their
# script is static/js/app.js, htmx is served from static/vendor (with its inline
# indicator styles off: templates/base.html, static/css/app.css), and the API docs load
# Swagger UI's files and their start-up script from this site (SpectacularSwaggerSplitView).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# Browser features the app never uses, switched off for it and anything it might embed.
WEGO_PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), "
    "magnetometer=(), microphone=(), midi=(), payment=(), usb=(), xr-spatial-tracking=()"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# --- Article 17 tracking -------------------------------------------------------------
# Obligations whose due date falls before this day are not generated: the real history
# in the seed covers January 2022 onwards (DOMAIN.md).
WEGO_TRACKING_START = datetime.date.fromisoformat(os.environ.get("WEGO_TRACKING_START", "2022-01-01"))
# "Due soon" window in calendar days.
WEGO_DUE_SOON_DAYS = int(os.environ.get("WEGO_DUE_SOON_DAYS", "30"))
# How far ahead of "as of" calendar duties are listed as upcoming.
WEGO_HORIZON_DAYS = int(os.environ.get("WEGO_HORIZON_DAYS", "366"))

# --- Celery ---------------------------------------------------------------------------
# Redis when REDIS_URL is set; otherwise kombu's filesystem transport under var/, which
# needs no server (the demo runs `celery worker -B --pool=solo` on it).
REDIS_URL = os.environ.get("REDIS_URL", "")
_BROKER_DIR = VAR_DIR / "broker"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {}
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_BROKER_DIR / "queue"),
        "data_folder_out": str(_BROKER_DIR / "queue"),
        "processed_folder": str(_BROKER_DIR / "processed"),
        "store_processed": False,
    }
CELERY_RESULT_BACKEND = None
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Installed into django-celery-beat's table when beat starts (then editable in the admin).
CELERY_BEAT_SCHEDULE = {
    "receipt e-mails waiting to be sent": {
        "task": "compliance.tasks.send_waiting_receipt_emails",
        "schedule": 300.0,
    },
}
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True

# --- Submissions, city workflow and the audit trail (issue 3) -------------------------
# Largest accepted upload, per file, in bytes (default 50 MB).
WEGO_MAX_UPLOAD_BYTES = int(os.environ.get("WEGO_MAX_UPLOAD_BYTES", str(50 * 1024 * 1024)))
# A ZIP may expand to at most this many bytes and members (zip-bomb guard).
WEGO_MAX_ZIP_EXPANDED_BYTES = int(os.environ.get("WEGO_MAX_ZIP_EXPANDED_BYTES", str(500 * 1024 * 1024)))
WEGO_MAX_ZIP_MEMBERS = int(os.environ.get("WEGO_MAX_ZIP_MEMBERS", "200"))
# Files per submission.
WEGO_MAX_FILES_PER_SUBMISSION = int(os.environ.get("WEGO_MAX_FILES_PER_SUBMISSION", "10"))
# How many reverse proxies in front of the app append to X-Forwarded-For (0: none, the
# client address is REMOTE_ADDR). With N, the client is the N-th address from the right:
# what a caller writes into the header itself is never believed (compliance.audit.client_ip).
# "true"/"yes" mean 1 (one proxy, as in docker-compose).
_xff = os.environ.get("WEGO_TRUST_X_FORWARDED_FOR", "0").strip().lower()
WEGO_TRUST_X_FORWARDED_FOR = 1 if _xff in {"true", "yes", "on"} else (int(_xff) if _xff.isdigit() else 0)
# Records the actor and address of each audited write (after authentication).
MIDDLEWARE += ["compliance.audit.AuditContextMiddleware"]
# Absolute address of the app, for links in e-mails.
WEGO_SITE_URL = os.environ.get("WEGO_SITE_URL", "http://localhost:8000")
# --- Council submission packets (compliance/packets.py) --------------------------------
# Packets whose estimated size (documents' pages + the generated pages) is at most this
# many pages are built during the request; larger ones run as a Celery task with progress.
WEGO_PACKET_SYNC_MAX_PAGES = int(os.environ.get("WEGO_PACKET_SYNC_MAX_PAGES", "30"))
# Korean needs a font with Hangul (apt: fonts-nanum). Used on <html> and in @page boxes.
WEGO_PACKET_FONT_FAMILY = os.environ.get(
    "WEGO_PACKET_FONT_FAMILY", '"NanumGothic", "Nanum Gothic", "Noto Sans CJK KR", sans-serif'
)
# An appended PDF must be stamped and merged within bounded time and memory: one whose
# page content inflates past these sizes, with more pages, or that cannot be checked in
# time is listed with a note and attached instead (compliance/pdf/inspect.py).
WEGO_PACKET_MAX_CONTENT_BYTES = int(os.environ.get("WEGO_PACKET_MAX_CONTENT_BYTES", str(32 * 2**20)))
WEGO_PACKET_MAX_PAGE_CONTENT_BYTES = int(os.environ.get("WEGO_PACKET_MAX_PAGE_CONTENT_BYTES", str(16 * 2**20)))
WEGO_PACKET_MAX_APPENDED_PAGES = int(os.environ.get("WEGO_PACKET_MAX_APPENDED_PAGES", "1000"))
WEGO_PACKET_INSPECT_SECONDS = float(os.environ.get("WEGO_PACKET_INSPECT_SECONDS", "20"))

# --- Import and export (compliance.resources / compliance.dataio) ---------------------
# Larger files are refused with a clear message before any row is read into the database:
# split them. 10,000 rows take about 26 s to check and 29 s to import on the reference
# machine with the audit trail on (bench/import_10k.py): each browser step is one request,
# so keep this below what the proxy/gunicorn timeout allows.
IMPORT_MAX_ROWS = int(os.environ.get("WEGO_IMPORT_MAX_ROWS", "10000"))
IMPORT_MAX_BYTES = int(os.environ.get("WEGO_IMPORT_MAX_BYTES", str(10 * 2**20)))
# A workbook is a ZIP: refuse one that unpacks to more than this (a "zip bomb").
IMPORT_MAX_UNZIPPED_BYTES = int(os.environ.get("WEGO_IMPORT_MAX_UNZIPPED_BYTES", str(100 * 2**20)))
# One cell may hold at most this many characters; longer ones are refused with their row
# and column (a title or a note is far shorter; a 1 MB cell is a mistake or an attack).
IMPORT_MAX_CELL_CHARS = int(os.environ.get("WEGO_IMPORT_MAX_CELL_CHARS", "10000"))
# A file checked in a dry run waits here for its confirmation, and is removed once the
# confirmation token has expired (compliance/dataio/pending.py).
# Bounds checked in an XLSX before it is parsed (compliance/dataio/bounds.py): a few MB
# compressed can declare millions of texts or cells. And the time reading may take.
WEGO_IMPORT_MAX_SHARED_STRINGS = int(os.environ.get("WEGO_IMPORT_MAX_SHARED_STRINGS", "200000"))
WEGO_IMPORT_MAX_CELLS = int(os.environ.get("WEGO_IMPORT_MAX_CELLS", "500000"))
WEGO_IMPORT_READ_SECONDS = int(os.environ.get("WEGO_IMPORT_READ_SECONDS", "60"))
IMPORT_PENDING_DIR = Path(os.environ.get("WEGO_IMPORT_PENDING_DIR", VAR_DIR / "import-pending"))
IMPORT_PENDING_MAX_AGE = int(os.environ.get("WEGO_IMPORT_PENDING_MAX_AGE", "3600"))
CELERY_BEAT_SCHEDULE["sweep-pending-imports"] = {"task": "compliance.sweep_pending_imports", "schedule": 6 * 3600}
# The stored register holds fiscal years up to three years ahead: add each as it comes
# into view (compliance.register.keep.extend; idempotent, so hourly costs nothing).
CELERY_BEAT_SCHEDULE["extend-register"] = {"task": "compliance.extend_register", "schedule": 3600}
# The admin's import-export views: neutralise formulas in exported cells.
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = True

# --- Alerts (compliance/alerts.py) ------------------------------------------------------
# One-off alert stages older than this many days are not sent at a scan (a scan missed for
# a few days still sends everything; the first deployment on years of history does not
# flood inboxes: the weekly digest covers what is still overdue).
WEGO_ALERT_CATCH_UP_DAYS = int(os.environ.get("WEGO_ALERT_CATCH_UP_DAYS", "30"))
# Weekly digests go out on this weekday (0 = Monday).
WEGO_ALERT_DIGEST_WEEKDAY = int(os.environ.get("WEGO_ALERT_DIGEST_WEEKDAY", "0"))
# Alert e-mails are sent by tasks of up to this many alerts each: one claim, one register
# check and one "sent" update per task, one mail-server connection for all of them. A
# worker that dies mid-task leaves its alerts "sending"; they are sent again after
# AlertDelivery.STUCK_MINUTES, so a bigger batch risks more repeated e-mails.
WEGO_ALERT_BATCH_SIZE = int(os.environ.get("WEGO_ALERT_BATCH_SIZE", "50"))
# Links in alert e-mails and the calendar feed use WEGO_SITE_URL (above).
TEMPLATES[0]["OPTIONS"]["context_processors"].append("compliance.context_processors.unread_notifications")
# Publishing to a broker that is down must not hang a user's request for long.
CELERY_BROKER_CONNECTION_TIMEOUT = float(os.environ.get("CELERY_BROKER_CONNECTION_TIMEOUT", "2"))
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# /health/ reports the scan missed when none succeeded this many hours after it was due
# (by the beat schedule): retries and the sweep have that long to catch up.
WEGO_ALERT_SCAN_GRACE_HOURS = float(os.environ.get("WEGO_ALERT_SCAN_GRACE_HOURS", "2"))
# A failed scan is retried after this many seconds, doubling (at most an hour), this
# many times; after that the sweep queues one every 15 minutes while it is missing.
WEGO_ALERT_SCAN_RETRY_SECONDS = int(os.environ.get("WEGO_ALERT_SCAN_RETRY_SECONDS", "60"))
WEGO_ALERT_SCAN_MAX_RETRIES = int(os.environ.get("WEGO_ALERT_SCAN_MAX_RETRIES", "6"))
# kombu's filesystem transport keeps its control (pidbox) files in ./control unless told:
# keep them with the queue under var/.
if not REDIS_URL:
    CELERY_BROKER_TRANSPORT_OPTIONS.setdefault("control_folder", str(_BROKER_DIR / "control"))

# --- Background work: time limits, leases, recovery (README "Background work") ---------
# Every task has a hard time limit (the prefork pool kills the child process) and a soft
# one a minute earlier (the task stops cleanly and records why). The demo's solo pool
# cannot interrupt a task; production runs prefork (docker-compose, CI smoke test).
CELERY_TASK_TIME_LIMIT = int(os.environ.get("WEGO_TASK_TIME_LIMIT", "300"))
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 60
# Packets take ~5 s for 60 pages on the reference machine; 15 minutes is far beyond any
# real packet and stops a runaway one from holding a worker for ever.
WEGO_PACKET_TIME_LIMIT = int(os.environ.get("WEGO_PACKET_TIME_LIMIT", "900"))
# Imports: 10,000 rows (the maximum) take ~30 s on the reference machine.
WEGO_IMPORT_TIME_LIMIT = int(os.environ.get("WEGO_IMPORT_TIME_LIMIT", "900"))
CELERY_TASK_ANNOTATIONS = {
    "compliance.build_packet": {"time_limit": WEGO_PACKET_TIME_LIMIT, "soft_time_limit": WEGO_PACKET_TIME_LIMIT - 60},
    "compliance.tasks.run_import": {
        "time_limit": WEGO_IMPORT_TIME_LIMIT,
        "soft_time_limit": WEGO_IMPORT_TIME_LIMIT - 60,
    },
}
# Import files larger than this are checked and imported by a worker, with a progress
# bar (about 600 rows of CSV); smaller ones within the request.
WEGO_IMPORT_SYNC_MAX_BYTES = int(os.environ.get("WEGO_IMPORT_SYNC_MAX_BYTES", str(64 * 1024)))
# A running build renews its lease at each progress step; one whose lease ran out for
# this long is taken back (queued again, or failed with the reason after 3 attempts).
WEGO_PACKET_LEASE_SECONDS = int(os.environ.get("WEGO_PACKET_LEASE_SECONDS", "300"))
# Redis hands a task that was not acknowledged within the visibility timeout to another
# worker. Tasks are acknowledged after they finish (acks_late), so it must exceed the
# longest time limit and the longest retry countdown (alert e-mails: 6 h), else one task
# runs twice. Seven hours: a killed task is then not redelivered for hours, which is why
# the worker's start-up and the 5-minute sweep below take back what was lost instead.
CELERY_BROKER_VISIBILITY_TIMEOUT = int(os.environ.get("CELERY_BROKER_VISIBILITY_TIMEOUT", str(7 * 3600)))
if REDIS_URL:
    CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] = CELERY_BROKER_VISIBILITY_TIMEOUT
# The sweep (compliance.tasks.recover): builds nobody works on are taken back.
WEGO_RECOVER_EVERY_SECONDS = int(os.environ.get("WEGO_RECOVER_EVERY_SECONDS", "300"))

# After a send times out or is refused, a worker process leaves the mail server alone
# this long (compliance/emails.py): a hung server costs one EMAIL_TIMEOUT, not one per e-mail.
WEGO_MAIL_PAUSE_SECONDS = int(os.environ.get("WEGO_MAIL_PAUSE_SECONDS", "60"))

# --- Audit trail anchoring (compliance/audit.py, README "Audit trail") -------------------
# The key that signs each audit entry's hash (HMAC-SHA256). Keep it out of the database
# and its backups (an environment variable or a file only the app reads). It must not
# change: entries signed with another key no longer verify. Unset, it is derived from
# SECRET_KEY, which the database does not hold either; set it explicitly in production so
# that rotating SECRET_KEY does not touch the audit trail.
WEGO_AUDIT_KEY = os.environ.get("WEGO_AUDIT_KEY", "")
if not WEGO_AUDIT_KEY and os.environ.get("WEGO_AUDIT_KEY_FILE"):
    WEGO_AUDIT_KEY = Path(os.environ["WEGO_AUDIT_KEY_FILE"]).read_text("utf-8").strip()
# Unset: a key derived from SECRET_KEY, for the demo and tests only (`check --deploy` warns).
WEGO_AUDIT_KEY_DERIVED = not WEGO_AUDIT_KEY
if WEGO_AUDIT_KEY_DERIVED:
    if PRODUCTION:
        raise ImproperlyConfigured(
            "WEGO_AUDIT_KEY (or WEGO_AUDIT_KEY_FILE) must be set when WEGO_PRODUCTION=1: it signs the audit "
            "trail, and a key derived from SECRET_KEY would change with it."
        )
    WEGO_AUDIT_KEY = hashlib.sha256(f"wego-audit-trail:{SECRET_KEY}".encode()).hexdigest()
# "worker": the worker publishes the head (beat, every WEGO_AUDIT_HEAD_EVERY_MINUTES);
# "separate": only a process of its own does (`manage.py publish_audit_heads --every`,
# docker-compose's audit-publisher), and the head folder is read-only for everyone else.
WEGO_AUDIT_HEAD_PUBLISHER = os.environ.get("WEGO_AUDIT_HEAD_PUBLISHER", "worker")
# Where the trail's head is published as write-once, signed files (one per change, at
# most every WEGO_AUDIT_HEAD_EVERY_MINUTES): somewhere the database role cannot write,
# ideally append-only storage or another machine's mount. verify_audit checks the trail
# against the newest file, which reveals deleted newest entries and a truncated table.
WEGO_AUDIT_HEAD_DIR = Path(os.environ.get("WEGO_AUDIT_HEAD_DIR", VAR_DIR / "audit-heads"))
WEGO_AUDIT_HEAD_EVERY_MINUTES = int(os.environ.get("WEGO_AUDIT_HEAD_EVERY_MINUTES", "60"))
# Fixed beat entries (django-celery-beat's DatabaseScheduler copies them into its tables).
CELERY_BEAT_SCHEDULE.update(
    {
        "recover-background-work": {
            "task": "compliance.tasks.recover",
            "schedule": datetime.timedelta(seconds=WEGO_RECOVER_EVERY_SECONDS),
        },
    }
)
if WEGO_AUDIT_HEAD_PUBLISHER == "worker":
    CELERY_BEAT_SCHEDULE["publish-audit-head"] = {
        "task": "compliance.tasks.publish_audit_head",
        "schedule": datetime.timedelta(minutes=WEGO_AUDIT_HEAD_EVERY_MINUTES),
    }

# --- Transparency log (compliance/rules/merkle.py, README "Proof anyone can check") ------
# The Ed25519 key that signs the log's tree heads: a PEM file (PKCS#8) that the web
# process can read but not write, separate from SECRET_KEY and WEGO_AUDIT_KEY. Without
# WEGO_LOG_KEY_FILE the demo and development use var/log-signing-key.pem, generated on
# first use; production refuses to start without it. `manage.py rotate_log_key` replaces it.
WEGO_LOG_KEY_FILE = Path(os.environ.get("WEGO_LOG_KEY_FILE") or VAR_DIR / "log-signing-key.pem")
if PRODUCTION and not os.environ.get("WEGO_LOG_KEY_FILE"):
    raise ImproperlyConfigured("WEGO_LOG_KEY_FILE must name the log's signing key when WEGO_PRODUCTION=1.")
if PRODUCTION and not WEGO_LOG_KEY_FILE.is_file():
    raise ImproperlyConfigured(f"WEGO_LOG_KEY_FILE ({WEGO_LOG_KEY_FILE}) does not exist.")
# The name of the log inside each signed head (heads of another deployment never verify here).
WEGO_LOG_NAME = os.environ.get("WEGO_LOG_NAME", "WeGO Article 17 transparency log (Seoul)")
# Where every signed head, the public keys and the leaf hashes are written as files a
# second party can mirror (rsync, a web server): heads are write-once.
WEGO_LOG_DIR = Path(os.environ.get("WEGO_LOG_DIR", VAR_DIR / "transparency-log"))
WEGO_LOG_HEAD_EVERY_MINUTES = int(os.environ.get("WEGO_LOG_HEAD_EVERY_MINUTES", "60"))
# Originals of appended PDFs embedded in a packet (so a verifier can hash them), up to
# this many bytes in all; larger ones are listed with their hash only.
WEGO_PACKET_ORIGINALS_MAX_BYTES = int(os.environ.get("WEGO_PACKET_ORIGINALS_MAX_BYTES", str(16 * 2**20)))
CELERY_BEAT_SCHEDULE["publish-log-head"] = {
    "task": "compliance.tasks.publish_log_head",
    "schedule": datetime.timedelta(minutes=WEGO_LOG_HEAD_EVERY_MINUTES),
}

# --- The open register: public page, read API, feeds, calculator (issue 12) -------------
# 0 turns off the public register (/public/, the public feeds and calendar, public files)
# and answers anonymous API calls with 401; the calculator and the law stay public.
WEGO_PUBLIC_REGISTER = env_bool("WEGO_PUBLIC_REGISTER", True)
# Read-API rate limits (DRF rate syntax), per address for anonymous callers, per user.
WEGO_API_RATES = {
    "anon": os.environ.get("WEGO_API_ANON_RATE", "60/minute"),
    "user": os.environ.get("WEGO_API_USER_RATE", "600/minute"),
}
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "compliance.views.api.auth.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_THROTTLE_CLASSES": ["compliance.views.api.auth.AnonThrottle", "compliance.views.api.auth.UserThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "compliance.views.api.problems.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "WeGO Article 17 register API",
    "DESCRIPTION": (
        "Read-only register of the duties of Article 17 of the Seoul Smart City and Informatization "
        "Ordinance (support for WeGO). Anonymous callers see what the public register shows; send "
        "`Authorization: Bearer <token>` (a personal token from your profile) to read what you may "
        "read in the browser. Errors are problem details (RFC 9457) in the language of Accept-Language."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
}


def _next_redis_db(url):
    """REDIS_URL with the next database number (redis://h:6379/0 -> /1): the limits never
    share a database with the broker's queues."""
    parts = urlsplit(url)
    number = parts.path.strip("/")
    number = int(number) if number.isdigit() else 0
    return urlunsplit(parts._replace(path=f"/{(number + 1) % 16}"))


# Nothing is cached for pages: the register is stored and read with indexed queries.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "wego-default"},
    # What must be shared by every gunicorn process and container: the API rate limits
    # (compliance.views.api.auth). Redis when REDIS_URL is set (production); the embedded
    # default has one process. Short timeouts: a stopped Redis costs a request 0.5 s and
    # lifts the limits (logged), it never answers 500.
    "limits": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ.get("WEGO_LIMITS_REDIS_URL") or _next_redis_db(REDIS_URL),
            "KEY_PREFIX": "wego-limits",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "wego-limits"}
    ),
}
# Django's model backend, reading the user's role in the same query (compliance.roles).
AUTHENTICATION_BACKENDS = ["compliance.roles.RoleBackend"]
