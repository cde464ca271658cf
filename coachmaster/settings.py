"""CoachMaster settings: one file, every knob read from the environment.

With no environment at all the platform runs on embedded defaults: SQLite under ``var/``,
e-mail printed to the console and Celery tasks executed in-process. Setting ``DATABASE_URL``
and ``REDIS_URL`` switches to PostgreSQL, Redis (cache and Celery broker) and a real worker.
Every variable is listed in ``.env.example`` and in the README.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local .env file is read when present; real environment variables win.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str(
    "DJANGO_SECRET_KEY",
    default="django-insecure-development-only-key-change-me-in-every-real-deployment",
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))

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
    "template_partials",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.usersessions",
    "csp",
    "pgtrigger",
    "pghistory",
    "coachmaster.accounts",
    "curriculum",
    "cohorts",
    "competencies",
    "thesis",
    "coachmaster.reports",
    "coachmaster.privacy",
    "coachmaster.audit",
    "coachmaster.demo",
    "coachmaster.ops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "coachmaster.accounts.middleware.LanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "coachmaster.accounts.middleware.HtmxLoginRedirectMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "coachmaster.accounts.middleware.SessionLifetimeMiddleware",
    "coachmaster.accounts.middleware.StaffMFARequiredMiddleware",
    "coachmaster.accounts.middleware.PrivatePagesNotStoredMiddleware",
]

ROOT_URLCONF = "coachmaster.urls"
WSGI_APPLICATION = "coachmaster.wsgi.application"

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
                "coachmaster.accounts.context_processors.roles",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'coachmaster.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # QuerySet.iterator() (every ModelChoiceField renders its options through it) would otherwise
    # declare a server-side cursor: DECLARE, FETCH and CLOSE, three round trips for a short list.
    # The few scans that iterate over big tables do so in batches of their own.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    # PostgreSQL compiles queries whose estimated cost passes jit_above_cost; on a programme of
    # 10,000 students a page's permission subquery crossed it and spent 50-170 ms compiling for a
    # 1 ms query (docs/performance.md). Web pages run short queries only: no JIT for them.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
    # The audit trail is written by PostgreSQL triggers; this middleware tells them who acted.
    MIDDLEWARE.append("pghistory.middleware.HistoryMiddleware")
# The audit triggers belong to the audit app, not to the apps whose tables they watch: they are
# (re)installed after every ``migrate`` instead of living in those apps' migrations.
PGTRIGGER_MIGRATIONS = False
PGTRIGGER_INSTALL_ON_MIGRATE = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and Celery -----------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
# How long a request waits for Redis (connecting, or for an answer) before it counts as down.
REDIS_SOCKET_TIMEOUT = env.float("REDIS_SOCKET_TIMEOUT", default=1.0)
if REDIS_URL:
    CACHES = {
        "default": {
            # While Redis is unreachable, pages use a per-process memory cache
            # (coachmaster/cache.py).
            "BACKEND": "coachmaster.cache.TolerantRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="coachmaster"),
            "OPTIONS": {
                "socket_connect_timeout": REDIS_SOCKET_TIMEOUT,
                "socket_timeout": REDIS_SOCKET_TIMEOUT,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# "localhost" only keeps kombu from warning that the in-memory broker has no host name.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://localhost/")
CELERY_RESULT_BACKEND = None  # job state lives in our own database rows
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_WORKER_MAX_TASKS_PER_CHILD = env.int("CELERY_WORKER_MAX_TASKS_PER_CHILD", default=50)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "Europe/Amsterdam"
# CELERY_BEAT_SCHEDULE: below, with the digest settings it uses.

# --- Authentication -------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "allauth.account.auth_backends.AuthenticationBackend",
    "coachmaster.accounts.backends.ProgrammeAdminBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=60 * 60 * 24 * 7)

# --- The programme --------------------------------------------------------------------------
# Student numbers are text (leading zeros matter); this is the pattern they must match.
STUDENT_NUMBER_PATTERN = env.str("STUDENT_NUMBER_PATTERN", default=r"^[0-9]{6,10}$")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

ACCOUNT_ADAPTER = "coachmaster.accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {"login": "coachmaster.accounts.forms.LoginForm"}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_PREVENT_ENUMERATION = True
# Tell people by e-mail when their password, e-mail address or second factor changes.
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[CoachMaster] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https") else "http"
ACCOUNT_RATE_LIMITS = {
    "login_failed": env.str("LOGIN_RATE_LIMIT", default="5/5m/ip,5/5m/key"),
    "login": "30/m/ip",
    "reset_password": "5/m/ip,3/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_email": "3/m/user",
}

# --- Sessions and security ------------------------------------------------------------------
# A session ends after SESSION_IDLE_TIMEOUT seconds without a request and, however busy,
# SESSION_ABSOLUTE_LIFETIME seconds after logging in (SessionLifetimeMiddleware in
# coachmaster/accounts/middleware.py); the cookie lives no longer than that.
# 30 minutes idle and 12 hours in all: what OWASP ASVS level 2 asks (3.3.2).
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)
SESSION_ABSOLUTE_LIFETIME = env.int("SESSION_ABSOLUTE_LIFETIME", default=60 * 60 * 12)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_LIFETIME
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_SSL_REDIRECT = env.bool(
    "SECURE_SSL_REDIRECT", default=not DEBUG and SITE_URL.startswith("https")
)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=SITE_URL.startswith("https"))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Load balancers and the compose health check call /health/ over plain http inside the network.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
# HSTS for a year once the site is https. "preload" only matters after someone submits the
# domain at hstspreload.org, which takes registrable domains only (not coachmaster.uni.nl).
SECURE_HSTS_SECONDS = env.int(
    "SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365 if SITE_URL.startswith("https") else 0
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=SECURE_HSTS_SECONDS > 0)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_TLS_PROXY", default=False) else None
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Accounts: MFA, session lifetime, SURFconext (owned by the accounts work) --------------
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = "CoachMaster"
MFA_ADAPTER = "coachmaster.accounts.mfa.MFAAdapter"  # stores authenticator secrets encrypted
# Browsers only offer security keys over https; plain http is for development on localhost.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = env.bool(
    "MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN", default=not SITE_URL.startswith("https")
)
# Lecturers, supervisors and administrators must set up an authenticator app or security key
# before they can use anything else (accounts.middleware.StaffMFARequiredMiddleware).
MFA_REQUIRED_FOR_STAFF = env.bool("MFA_REQUIRED_FOR_STAFF", default=True)
# allauth would write the session row on every request; SessionLifetimeMiddleware records the
# last activity at most once a minute instead.
USERSESSIONS_TRACK_ACTIVITY = False
# --- end of accounts section ---

# --- SURFconext (OpenID Connect through allauth) -------------------------------------------
# Off unless SURFCONEXT_ISSUER is set (e.g. https://connect.surfconext.nl): then allauth's
# OpenID Connect provider gets one app, "surfconext", found through the issuer's discovery
# document. Who may log in and which account they get: cohorts/surfconext.py.
SURFCONEXT_ISSUER = env.str("SURFCONEXT_ISSUER", default="").rstrip("/")
SURFCONEXT_CLIENT_ID = env.str("SURFCONEXT_CLIENT_ID", default="")
SURFCONEXT_CLIENT_SECRET = env.str("SURFCONEXT_CLIENT_SECRET", default="")
# Only student numbers issued by this organisation (its schacHomeOrganization, e.g.
# "hanze.nl") are read; empty means SURFconext student numbers are ignored altogether.
SURFCONEXT_HOME_ORGANIZATION = env.str("SURFCONEXT_HOME_ORGANIZATION", default="").lower()
SURFCONEXT_APP_SETTINGS = {
    # SURFconext releases affiliation and personal unique codes by its attribute release
    # policy (set in the SP Dashboard), not by scope: the standard scopes are all we ask.
    "scope": ["openid", "profile", "email"],
    "fetch_userinfo": True,
    "oauth_pkce_enabled": True,
    # Institutions vouch for the address; it is still never used to log in by itself.
    "verified_email": True,
    "email_authentication": False,
}
SOCIALACCOUNT_ADAPTER = "cohorts.surfconext.SocialAccountAdapter"
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "APPS": (
            [
                {
                    "provider_id": "surfconext",
                    "name": "SURFconext",
                    "client_id": SURFCONEXT_CLIENT_ID,
                    "secret": SURFCONEXT_CLIENT_SECRET,
                    "settings": {**SURFCONEXT_APP_SETTINGS, "server_url": SURFCONEXT_ISSUER},
                }
            ]
            if SURFCONEXT_ISSUER
            else []
        ),
    }
}
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
# Nobody is signed up through SURFconext: it only opens accounts the programme made.
SOCIALACCOUNT_AUTO_SIGNUP = False
# The institution has checked who this is; a second e-mail round trip adds nothing.
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = env.int("SURFCONEXT_TIMEOUT", default=5)
# An unreachable or misbehaving SURFconext ends on a clear page instead of a server error.
MIDDLEWARE.append("cohorts.surfconext.ProviderErrorMiddleware")
# --- end of SURFconext section ---

# --- Content Security Policy, private file serving, upload policy ----------------------------
# Everything from this site only, and no inline script, style or event handler anywhere: htmx
# is told not to evaluate code or inject styles (the htmx-config meta tag in base.html).
# Forms post here only, except the SURFconext login, whose POST redirects to the issuer.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"]
        + (
            ["/".join(SURFCONEXT_ISSUER.split("/")[:3])]
            if SURFCONEXT_ISSUER.startswith("https://")
            else []
        ),
        "frame-ancestors": ["'none'"],
    }
}
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# No script reads cookies: htmx gets the CSRF token from the page (hx-headers on <body>).
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_HTTPONLY = True

# Private files (evidence, thesis versions, reports) are sent by Django in development; behind
# nginx set this to the internal location that serves MEDIA_ROOT/private (docs/nginx.md), e.g.
# "/_private/", and Django only answers with an X-Accel-Redirect header.
PRIVATE_FILES_X_ACCEL_REDIRECT = env.str("PRIVATE_FILES_X_ACCEL_REDIRECT", default="")

# Every upload, ZIP-based documents (docx, xlsx, pptx, odt) included (coachmaster/uploads.py):
# the most parts, unpacked megabytes and unpacked-to-packed ratio a document may have.
UPLOAD_ARCHIVE_MAX_ENTRIES = env.int("UPLOAD_ARCHIVE_MAX_ENTRIES", default=5000)
UPLOAD_ARCHIVE_MAX_UNCOMPRESSED_MB = env.int("UPLOAD_ARCHIVE_MAX_UNCOMPRESSED_MB", default=200)
UPLOAD_ARCHIVE_MAX_RATIO = env.int("UPLOAD_ARCHIVE_MAX_RATIO", default=200)
# ClamAV: "tcp://host:3310" or a unix socket path; empty means uploads are not scanned. When
# set, an upload that cannot be scanned (clamd down, timeout) is refused, not waved through.
CLAMD_ADDRESS = env.str("CLAMD_ADDRESS", default="")
CLAMD_TIMEOUT = env.float("CLAMD_TIMEOUT", default=30.0)
# --- end of headers and files section ---

# --- E-mail -------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="CoachMaster <noreply@example.org>")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
ADMINS = [("Operations", a) for a in env.list("ADMIN_EMAILS", default=[])]

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "coachmaster_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

# --- Static and media files -----------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))
WHITENOISE_USE_FINDERS = env.bool("WHITENOISE_USE_FINDERS", default=DEBUG)
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    # Uploaded files are private: nothing under MEDIA_ROOT is served directly.
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Evidence and other personal files: served only by views that check access.
    "private": {
        "BACKEND": "competencies.uploads.PrivateFileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT / "private"), "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env.bool("STATIC_MANIFEST", default=False)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Evidence uploads: the largest file accepted, and the types accepted (judged from the content).
EVIDENCE_MAX_UPLOAD_MB = env.int("EVIDENCE_MAX_UPLOAD_MB", default=20)
# Per student: the most evidence files, and megabytes, kept at once (ASVS 12.1.3).
EVIDENCE_MAX_FILES = env.int("EVIDENCE_MAX_FILES", default=1000)
EVIDENCE_QUOTA_MB = env.int("EVIDENCE_QUOTA_MB", default=2048)
EVIDENCE_ALLOWED_TYPES = env.list(
    "EVIDENCE_ALLOWED_TYPES",
    default=["pdf", "png", "jpg", "docx", "xlsx", "pptx", "odt", "mp3", "m4a", "mp4"],
)

# Assessment: the pass mark on the Dutch 1-10 scale, how a grade typed with more than one
# decimal is rounded (half-up, half-even or down), the level difference between examiners that
# counts as a discrepancy, whether a student's own thesis supervisor may be a second examiner,
# and the days examiners have to assess and a student has to resubmit after "not yet".
ASSESSMENT_PASS_MARK = env.str("ASSESSMENT_PASS_MARK", default="5.5")
ASSESSMENT_GRADE_ROUNDING = env.str("ASSESSMENT_GRADE_ROUNDING", default="half-up")
ASSESSMENT_DISCREPANCY_LEVELS = env.int("ASSESSMENT_DISCREPANCY_LEVELS", default=2)
ASSESSMENT_SUPERVISOR_AS_SECOND_EXAMINER = env.bool(
    "ASSESSMENT_SUPERVISOR_AS_SECOND_EXAMINER", default=False
)
ASSESSMENT_DAYS = env.int("ASSESSMENT_DAYS", default=15)
ASSESSMENT_RESUBMISSION_DAYS = env.int("ASSESSMENT_RESUBMISSION_DAYS", default=42)

# --- Reports and digests --------------------------------------------------------------------
REPORTS_MAX_PAGES = env.int("REPORTS_MAX_PAGES", default=400)
REPORTS_NOTIFY_AFTER_SECONDS = env.int("REPORTS_NOTIFY_AFTER_SECONDS", default=20)
# Weekly digests (Celery beat): day of the week (0 = Sunday … 6 = Saturday) and hour, local time.
DIGEST_DAY_OF_WEEK = env.int("DIGEST_DAY_OF_WEEK", default=1)
DIGEST_HOUR = env.int("DIGEST_HOUR", default=7)
CELERY_BEAT_SCHEDULE = {
    "weekly-digests": {
        "task": "reports.send_weekly_digests",
        "schedule": crontab(day_of_week=DIGEST_DAY_OF_WEEK, hour=DIGEST_HOUR, minute=0),
    },
}

# --- Privacy: retention, export, erasure ----------------------------------------------------
# Shown on the privacy and accessibility statements as the address for questions and requests.
PRIVACY_CONTACT_EMAIL = env.str("PRIVACY_CONTACT_EMAIL", default="privacy@example.org")
# Processors (hosting, e-mail delivery) named on the privacy statement, comma-separated.
PRIVACY_PROCESSORS = env.list("PRIVACY_PROCESSORS", default=[])
# The daily retention run (Celery beat), local time: anonymise or delete what has expired.
RETENTION_HOUR = env.int("RETENTION_HOUR", default=3)
CELERY_BEAT_SCHEDULE["privacy-retention"] = {
    "task": "privacy.apply_retention",
    "schedule": crontab(hour=RETENTION_HOUR, minute=30),
}
# --- end of privacy section ---

# --- Reliability: broker visibility, backups --------------------------------------------------
# What happens when Redis, a worker or PostgreSQL fails, and how long recovery takes:
# docs/reliability.md.
# Redis gives a task that was delivered but never acknowledged (acks_late: a worker killed as a
# whole) to another worker after this many seconds. It must stay above the task time limit and
# the longest retry countdown (60 s), or a long task would be handed out twice while it runs.
CELERY_VISIBILITY_TIMEOUT = env.int(
    "CELERY_VISIBILITY_TIMEOUT", default=CELERY_TASK_TIME_LIMIT + 300
)
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_SOCKET_TIMEOUT
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    # Look for abandoned messages every few seconds (kombu's default scans every 100 s).
    "unacked_restore_interval": max(1, min(10, CELERY_VISIBILITY_TIMEOUT // 4)),
    "unacked_restore_throttle": 1,
    "socket_connect_timeout": REDIS_SOCKET_TIMEOUT,
    # Above kombu's 1 s BRPOP wait; without a timeout a half-open connection hangs forever.
    "socket_timeout": 10,
    "socket_keepalive": True,
}
# No result backend (job state lives in our rows), so no result-side visibility options apply.
# A worker that loses Redis finishes the tasks it runs; a message that comes back afterwards
# finds its job done and does nothing (the tasks are idempotent).
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
# A worker waits for Redis as long as it takes (Celery's default gives up after 100 tries).
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# Report requests made while Redis was down wait in the database; this sends them.
CELERY_BEAT_SCHEDULE["send-waiting-reports"] = {
    "task": "reports.send_waiting",
    "schedule": 60.0,
}
# `make backup` writes here: a timestamped folder with the database dump, the media files and
# a manifest.
BACKUP_DIR = Path(env.str("BACKUP_DIR", default=str(VAR_DIR / "backups")))
# --- end of reliability section ---

# --- Logging ------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint logs every layout step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # pgtrigger announces every trigger it (re)installs after each migrate.
        "pgtrigger": {"level": "WARNING"},
    },
}
