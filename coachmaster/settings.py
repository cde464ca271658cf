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
    # The audit trail is written by PostgreSQL triggers; this middleware tells them who acted.
    MIDDLEWARE.append("pghistory.middleware.HistoryMiddleware")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and Celery -----------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="coachmaster"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
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
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 12)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_SSL_REDIRECT = env.bool(
    "SECURE_SSL_REDIRECT", default=not DEBUG and SITE_URL.startswith("https")
)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=SITE_URL.startswith("https"))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Load balancers and the compose health check call /health/ over plain http inside the network.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_TLS_PROXY", default=False) else None
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Accounts: MFA, session lifetime, SURFconext (owned by the accounts work) --------------
# --- end of accounts section ---

# --- Content Security Policy, private file serving, upload policy ----------------------------
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
# --- end of privacy section ---

# --- Reliability: broker visibility, backups --------------------------------------------------
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
    },
}
