"""Settings for daiban, read from the environment.

Local demo defaults are safe; production mode (DEBUG off) refuses to start without real secrets.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from daiban.core.env import env_bool, env_int, env_list, env_str, load_env_file

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("DAIBAN_VAR_DIR", str(BASE_DIR / "var")))

# `make run` writes generated secrets for this machine into var/local.env (mode 600, never committed);
# real deployments set the variables in the environment instead, which always wins.
load_env_file(Path(env_str("DAIBAN_ENV_FILE", str(VAR_DIR / "local.env"))))

DEBUG = env_bool("DAIBAN_DEBUG", False)


def _secret(name: str) -> str:
    value = env_str(name, "")
    if value:
        if not DEBUG and len(value) < 32:
            raise ImproperlyConfigured(f"{name} must be at least 32 characters")
        return value
    if DEBUG:
        # Development only: a fixed, obviously-fake key. Never reached with DEBUG off.
        return f"insecure-development-only-{name.lower()}-0123456789abcdef"
    raise ImproperlyConfigured(f"{name} is required when DAIBAN_DEBUG is off (see README)")


SECRET_KEY = _secret("DAIBAN_SECRET_KEY")
# Key for encrypting personal data at rest (ID and phone numbers) and, separately, for the keyed hash
# that makes them searchable. Rotating either needs a re-encryption command; keep them apart from SECRET_KEY.
FIELD_ENCRYPTION_KEY = _secret("DAIBAN_FIELD_KEY")
BLIND_INDEX_KEY = _secret("DAIBAN_HASH_KEY")
# Algorithms (docs/adr/0026-sm4-gcm-sm3-key-rotation.md): DAIBAN_PII_CIPHER fernet (default) or sm4-gcm (商用密码,
# also used for attachments, which are AES-256-GCM under fernet); DAIBAN_PII_INDEX hmac-sha256 (default) or
# hmac-sm3. Rotation (README "运维：密钥轮换"): the former values go into DAIBAN_FIELD_OLD_KEYS / DAIBAN_HASH_OLD_KEYS
# (comma-separated) and a former index algorithm into DAIBAN_PII_INDEX_OLD until `manage.py rotate_keys` is done.
# Weak or repeated keys are refused at every start (daiban/pii/keycheck.py).
PII_CIPHER = env_str("DAIBAN_PII_CIPHER", "fernet")
if PII_CIPHER not in ("fernet", "sm4-gcm"):
    raise ImproperlyConfigured("DAIBAN_PII_CIPHER must be fernet or sm4-gcm.")
PII_INDEX = env_str("DAIBAN_PII_INDEX", "hmac-sha256")
PII_INDEX_OLD = env_list("DAIBAN_PII_INDEX_OLD", [])
if PII_INDEX not in ("hmac-sha256", "hmac-sm3") or not set(PII_INDEX_OLD) <= {"hmac-sha256", "hmac-sm3"}:
    raise ImproperlyConfigured("DAIBAN_PII_INDEX and DAIBAN_PII_INDEX_OLD take hmac-sha256 or hmac-sm3.")
FIELD_ENCRYPTION_OLD_KEYS = env_list("DAIBAN_FIELD_OLD_KEYS", [])
BLIND_INDEX_OLD_KEYS = env_list("DAIBAN_HASH_OLD_KEYS", [])

# The security audit log (daiban.audit): each record carries HMAC(key, record + previous hash), so an edit or a
# deletion is found by `manage.py verify_audit`. DAIBAN_AUDIT_HASH: hmac-sha256 (default) or hmac-sm3 (商用密码).
# Its own key (DAIBAN_AUDIT_KEY, at least 32 characters, distinct from the others); an installation made before
# the key existed derives one from DAIBAN_SECRET_KEY, with a warning from `manage.py check` (audit.W001).
DAIBAN_AUDIT_HASH = env_str("DAIBAN_AUDIT_HASH", "hmac-sha256")
if DAIBAN_AUDIT_HASH not in ("hmac-sha256", "hmac-sm3"):
    raise ImproperlyConfigured("DAIBAN_AUDIT_HASH must be hmac-sha256 or hmac-sm3.")
DAIBAN_AUDIT_KEY_DERIVED = not env_str("DAIBAN_AUDIT_KEY", "")
if DAIBAN_AUDIT_KEY_DERIVED:
    import hashlib
    import hmac as _hmac

    DAIBAN_AUDIT_KEY = _hmac.new(SECRET_KEY.encode(), b"daiban.audit", hashlib.sha256).hexdigest()
else:
    DAIBAN_AUDIT_KEY = env_str("DAIBAN_AUDIT_KEY")
    if len(DAIBAN_AUDIT_KEY) < 32 or len(set(DAIBAN_AUDIT_KEY)) < 10:
        raise ImproperlyConfigured("DAIBAN_AUDIT_KEY must be at least 32 characters of a random secret.")
    if DAIBAN_AUDIT_KEY in (SECRET_KEY, FIELD_ENCRYPTION_KEY, BLIND_INDEX_KEY):
        raise ImproperlyConfigured("DAIBAN_AUDIT_KEY must differ from the other keys.")
# Records are kept at least 184 days (six months, 网络安全法 第二十一条); exported to DAIBAN_AUDIT_SINK before
# `manage.py purge_audit` may remove them: file:<path> (JSON lines; relative paths under VAR_DIR/audit/) or
# syslog:<host>:<port> / syslog:/dev/log.
DAIBAN_AUDIT_RETENTION_DAYS = env_int("DAIBAN_AUDIT_RETENTION_DAYS", 184)
if DAIBAN_AUDIT_RETENTION_DAYS < 184:
    raise ImproperlyConfigured("DAIBAN_AUDIT_RETENTION_DAYS must be at least 184 (six months).")
DAIBAN_AUDIT_SINK = env_str("DAIBAN_AUDIT_SINK", "file:audit.jsonl")
# Personal-data retention (PIPL art. 19/47), in days; reasons in daiban/lifecycle/README.md. Each must be a
# positive integer (checked at start by daiban.lifecycle.config). After the period, `manage.py erase_expired`
# (nightly on the task queue) anonymises the personal data; statistics and case history stay.
DAIBAN_RETENTION_DAYS = {
    "matter": env_int("DAIBAN_RETENTION_MATTER_DAYS", 5 * 365),  # closed matter's people, after closure
    "accusation": env_int("DAIBAN_RETENTION_ACCUSATION_DAYS", 10 * 365),  # closed 检举控告 matters
    "portal_request": env_int("DAIBAN_RETENTION_PORTAL_REQUEST_DAYS", 365),  # online request not taken up
    "screening": env_int("DAIBAN_RETENTION_SCREENING_DAYS", 3 * 365),  # closed screening's parties
}
if not DAIBAN_AUDIT_SINK.startswith(("file:", "syslog:")):
    raise ImproperlyConfigured("DAIBAN_AUDIT_SINK must be file:<path> or syslog:<address>.")
DAIBAN_AUDIT_DIR = VAR_DIR / "audit"
# Triggers that refuse UPDATE/DELETE/TRUNCATE of audit records (daiban/audit/guard.py); off only in tests.
DAIBAN_AUDIT_DB_GUARD = env_bool("DAIBAN_AUDIT_DB_GUARD", True)

ALLOWED_HOSTS = env_list("DAIBAN_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("DAIBAN_CSRF_TRUSTED_ORIGINS", [])

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
    "huey.contrib.djhuey",  # the task queue (see "Background work" below)
    "axes",  # failed-login throttling and the login records (see daiban.accounts.login_throttle)
    "django_otp",  # second factor (daiban.accounts.mfa): TOTP devices and recovery codes
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "daiban.core",
    "daiban.audit",  # the security audit log (hash-chained, append-only): record() from anywhere
    "daiban.regions",
    "daiban.accounts",
    "daiban.network",
    "daiban.workcal",
    "daiban.pii",
    "daiban.matters",
    "daiban.prevention",
    "daiban.notify",
    "daiban.documents",
    "daiban.supervision",
    "daiban.mediation",
    "daiban.repeats",  # repeat petitions caught at intake: text signatures, candidates, the agent's decision
    "daiban.urgent",  # 重大紧急 (art. 25): marking, reporting up to the city, the pinned queue
    "daiban.hearings",  # 听证 (arts. 31(6), 36): hearing records; their days off the re-examination clock
    "daiban.assistance",  # 救助转介 (art. 37): social or judicial assistance referrals and outcomes
    "daiban.cadres",  # art. 30: accusations about cadres notified to the organisation department
    "daiban.execution",  # 支持 opinions carried out (arts. 32, 42(4)): items, execution, overdue ones supervised
    "daiban.accountability",  # arts. 43–45: the failures the regulation names, per level; 责令改正
    "daiban.portal",  # the public pages (no login): lookup, rating, online request, agent directory
    "daiban.stats",  # figures and rates per level and period, rollups, dashboards
    "daiban.annual",  # art. 41: the annual report per level and year (DOCX, PDF)
    "daiban.exchange",  # Excel in and out: ledgers, monthly reports, roster and legacy-ledger imports
    "daiban.ops",  # operations: encrypted backup, restore and the restore drill (manage.py backup …)
    "daiban.lifecycle",  # PIPL: retention periods, erase_expired, the "what is held about me" report
    "daiban.search",  # 检索: a bigram index of names, places, units and content; the search page
    "daiban.demo",  # development only: the demo network and matters (manage.py load_demo); nothing imports it
    "daiban.console",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Content-Security-Policy on every page (CONTENT_SECURITY_POLICY below); static files never reach it.
    "csp.middleware.CSPMiddleware",
    "daiban.core.middleware.NoStoreMiddleware",  # Cache-Control: private, no-store unless a view chose
    "daiban.core.middleware.RejectControlCharactersMiddleware",  # 400 for NUL/control characters
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After a person's own write their pages read the primary, not the replica (daiban.core.dbrouter).
    "daiban.core.dbrouter.RecentWriteMiddleware",
    "daiban.audit.middleware.AuditContextMiddleware",  # the request's address for audit records
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): signed in with the second factor
    "django.contrib.messages.middleware.MessageMiddleware",
    # Idle and absolute session limits, ended sessions, second factor, password age (daiban.accounts).
    "daiban.accounts.middleware.AccountSecurityMiddleware",
    # The audit administrator reaches the audit log and their own account pages only (三员分立).
    "daiban.audit.middleware.AuditAdminConfinementMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last: turns a throttled login into the login page with its message (AXES_LOCKOUT_CALLABLE).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "daiban.urls"
WSGI_APPLICATION = "daiban.wsgi.application"

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
                "daiban.core.context_processors.navigation",
            ],
        },
    },
]

_default_sqlite = f"sqlite:///{VAR_DIR / 'daiban.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(env_str("DATABASE_URL", _default_sqlite), conn_max_age=60),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers work while one writer commits; synchronous=FULL makes each commit durable.
        # IMMEDIATE takes the write lock at BEGIN, so two writers queue instead of deadlocking.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
# A PostgreSQL streaming replica (docs/deploy.md, docs/adr/0027-read-replica.md): only reads that ask for it
# (list pages, statistics: daiban.core.dbrouter.replica_reads) go there; writes, transactions and everything
# else stay on the primary. Tests use the primary in its place (MIRROR) unless a test sets up its own.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL", "")
READ_REPLICA_ALIAS = "replica" if DATABASE_REPLICA_URL else ""
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=60)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    if DATABASES["replica"]["ENGINE"] != DATABASES["default"]["ENGINE"]:
        raise ImproperlyConfigured("DATABASE_REPLICA_URL must be a database of the kind DATABASE_URL is.")
DATABASE_ROUTERS = ["daiban.core.dbrouter.ReplicaRouter"]
# After a person's own write their pages read the primary this many seconds (the replica's lag must stay
# below it: docs/deploy.md says how to watch it).
READ_REPLICA_STICKY_SECONDS = env_int("DAIBAN_REPLICA_STICKY_SECONDS", 5)
if READ_REPLICA_STICKY_SECONDS < 0:
    raise ImproperlyConfigured("DAIBAN_REPLICA_STICKY_SECONDS must be 0 or more.")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# The throttle first: it refuses a throttled account or address before any password is checked.
AUTHENTICATION_BACKENDS = [
    "daiban.accounts.login_throttle.ThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Password policy (等保2.0 第三级 身份鉴别; daiban/accounts/validators.py), each part configurable: length,
# character classes (of upper, lower, digit, symbol), not the username, not a known-leaked or trivially
# repeated/sequential string, no reuse of the current and last DAIBAN_PASSWORD_HISTORY passwords, and a
# change every DAIBAN_PASSWORD_MAX_AGE_DAYS days (0: never; enforced by daiban.accounts.middleware).
DAIBAN_PASSWORD_MIN_LENGTH = env_int("DAIBAN_PASSWORD_MIN_LENGTH", 10)
DAIBAN_PASSWORD_MIN_CLASSES = env_int("DAIBAN_PASSWORD_MIN_CLASSES", 3)
DAIBAN_PASSWORD_HISTORY = env_int("DAIBAN_PASSWORD_HISTORY", 5)
DAIBAN_PASSWORD_MAX_AGE_DAYS = env_int("DAIBAN_PASSWORD_MAX_AGE_DAYS", 90)
if DAIBAN_PASSWORD_MIN_LENGTH < 8 or not 1 <= DAIBAN_PASSWORD_MIN_CLASSES <= 4 or DAIBAN_PASSWORD_HISTORY < 0:
    raise ImproperlyConfigured(
        "DAIBAN_PASSWORD_MIN_LENGTH must be at least 8, DAIBAN_PASSWORD_MIN_CLASSES 1–4, "
        "DAIBAN_PASSWORD_HISTORY at least 0."
    )
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "daiban.accounts.validators.ChineseMinimumLengthValidator",
        "OPTIONS": {"min_length": DAIBAN_PASSWORD_MIN_LENGTH},
    },
    {
        "NAME": "daiban.accounts.validators.CharacterClassesValidator",
        "OPTIONS": {"min_classes": DAIBAN_PASSWORD_MIN_CLASSES},
    },
    {"NAME": "daiban.accounts.validators.NotUsernameValidator"},
    {"NAME": "daiban.accounts.validators.ChineseUserAttributeSimilarityValidator"},
    {"NAME": "daiban.accounts.validators.ChineseCommonPasswordValidator"},
    {"NAME": "daiban.accounts.validators.TrivialPatternValidator"},
    {
        "NAME": "daiban.accounts.validators.PasswordHistoryValidator",
        "OPTIONS": {"count": DAIBAN_PASSWORD_HISTORY},
    },
]

# Second factor (daiban.accounts.mfa, django-otp TOTP + recovery codes). Who must have one:
# "admins" (city administrators, any other *_admin role, staff and superusers), "all" or "none". A user
# with a confirmed device always enters a code after the password, whatever this says.
DAIBAN_MFA_REQUIRED = env_str("DAIBAN_MFA_REQUIRED", "admins")
if DAIBAN_MFA_REQUIRED not in ("admins", "all", "none"):
    raise ImproperlyConfigured("DAIBAN_MFA_REQUIRED must be admins, all or none.")
OTP_TOTP_ISSUER = "信访代办服务平台"
# Sessions (daiban.accounts.middleware, by the project clock): signed out after DAIBAN_IDLE_MINUTES without
# a request and DAIBAN_SESSION_MAX_HOURS after signing in, whatever the activity (0: no limit).
DAIBAN_IDLE_MINUTES = env_int("DAIBAN_IDLE_MINUTES", 15)
DAIBAN_SESSION_MAX_HOURS = env_int("DAIBAN_SESSION_MAX_HOURS", 12)
if DAIBAN_IDLE_MINUTES < 0 or DAIBAN_SESSION_MAX_HOURS < 0:
    raise ImproperlyConfigured("DAIBAN_IDLE_MINUTES and DAIBAN_SESSION_MAX_HOURS must be 0 or more.")

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Apache ECharts for the statistics dashboards, installed from the npm registry by the set-up
# (node_modules/.installed, a prerequisite of `make run` and `make test`) and served by the site itself as
# static/vendor/echarts/echarts.min.js: that one file, not the package's 51 MB dist folder (see
# daiban/core/vendor_static.py). Absent without node_modules; the dashboards then show their tables only.
VENDOR_STATIC = {
    "vendor/echarts/echarts.min.js": BASE_DIR / "node_modules" / "echarts" / "dist" / "echarts.min.js"
}
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "daiban.core.vendor_static.VendorFinder",
]
STORAGES: dict[str, dict[str, Any]] = {
    # Every uploaded or generated file is encrypted at rest with the personal-data key (daiban/pii/storage.py);
    # on a disk (DAIBAN_MEDIA_ROOT) unless DAIBAN_S3_BUCKET is set (below).
    "default": {"BACKEND": "daiban.pii.storage.EncryptedFileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(env_str("DAIBAN_MEDIA_ROOT", str(VAR_DIR / "media")))
# Past one machine the files may live in an S3-compatible object store (MinIO, Ceph, a government cloud's
# object service) instead of a shared volume: set DAIBAN_S3_BUCKET (docs/deploy.md "Files", ADR 0041). They are
# encrypted in the web process as on disk, so the bucket holds ciphertext only. The access key pair comes from
# the environment (or boto3's own chain: AWS_* variables, an instance role), never from a committed file.
DAIBAN_S3_BUCKET = env_str("DAIBAN_S3_BUCKET", "")
if DAIBAN_S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "daiban.pii.storage_s3.EncryptedS3Storage",
        "OPTIONS": {
            "bucket_name": DAIBAN_S3_BUCKET,
            "endpoint_url": env_str("DAIBAN_S3_ENDPOINT_URL", "") or None,
            "region_name": env_str("DAIBAN_S3_REGION", "") or None,
            "access_key": env_str("DAIBAN_S3_ACCESS_KEY_ID", "") or None,
            "secret_key": env_str("DAIBAN_S3_SECRET_ACCESS_KEY", "") or None,
            "location": env_str("DAIBAN_S3_PREFIX", ""),
            # path-style (https://endpoint/bucket/key) is what MinIO and most private clouds answer to.
            "addressing_style": env_str("DAIBAN_S3_ADDRESSING_STYLE", "path"),
            "verify": env_str("DAIBAN_S3_CA_BUNDLE", "") or None,
            "default_acl": None,
            "querystring_auth": True,
        },
    }
# Backups (daiban.ops, README "运维：备份与恢复"): `manage.py backup` writes encrypted archives into BACKUP_DIR.
# DAIBAN_BACKUP_KEY (base64 of 32 random bytes) is checked when a backup or restore runs, not at start, so web
# nodes need not hold it; keep it apart from the archives.
BACKUP_DIR = Path(env_str("DAIBAN_BACKUP_DIR", str(VAR_DIR / "backups")))
BACKUP_KEY = env_str("DAIBAN_BACKUP_KEY", "")
MEDIA_URL = "/media/"  # never served directly: attachments go through a scoped view
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

# Security: secure by default, relaxed only by explicit choice (the local demo serves plain HTTP).
HTTPS = env_bool("DAIBAN_HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("DAIBAN_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
# This host only by default: includeSubDomains (and preload) would bind every other service under the
# department's domain to HTTPS, which this site cannot promise; a deployment whose domain is all HTTPS opts in.
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS and env_bool("DAIBAN_HSTS_INCLUDE_SUBDOMAINS", False)
DAIBAN_BEHIND_PROXY = env_bool("DAIBAN_BEHIND_PROXY", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if DAIBAN_BEHIND_PROXY else None
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("DAIBAN_SESSION_SECONDS", 8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): only this site's own scripts, styles, images, fonts and requests; no
# inline script or style, no eval (htmx runs with allowEval off, base.html), no plugins, no framing, no
# <base>, forms post only here. QR codes are data: images. The one inline <style> left is the 500 page's,
# which must render without static files: allowed by its hash (daiban/core/tests/test_headers.py keeps
# the hash in step with the template). Views that answer with their own policy (attachments: sandbox) keep it.
CSP_500_STYLE_HASH = "'sha256-70JWrPlZx+l77YChRBtpaD9bo/yo89mIUDSzhO94q3k='"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", CSP_500_STYLE_HASH],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}

# Upload quotas (daiban.core.uploads): per submission of one upload field, and per person per day (counted
# from the stored uploads of the project clock's day).
DAIBAN_UPLOAD_MAX_FILES = env_int("DAIBAN_UPLOAD_MAX_FILES", 10)
DAIBAN_UPLOAD_MAX_TOTAL_MB = env_int("DAIBAN_UPLOAD_MAX_TOTAL_MB", 50)
DAIBAN_UPLOAD_DAILY_FILES = env_int("DAIBAN_UPLOAD_DAILY_FILES", 100)
DAIBAN_UPLOAD_DAILY_MB = env_int("DAIBAN_UPLOAD_DAILY_MB", 500)
if (
    min(
        DAIBAN_UPLOAD_MAX_FILES, DAIBAN_UPLOAD_MAX_TOTAL_MB, DAIBAN_UPLOAD_DAILY_FILES, DAIBAN_UPLOAD_DAILY_MB
    )
    < 1
):
    raise ImproperlyConfigured("DAIBAN_UPLOAD_* limits must be at least 1.")

# Brute-force protection (django-axes; how it works: daiban/accounts/login_throttle.py). Failures are
# counted per account and per address; from AXES_FAILURE_LIMIT of either, logins are refused for a cool-off
# that starts at LOGIN_COOLOFF_MINUTES and doubles with each further AXES_FAILURE_LIMIT failures, up to
# LOGIN_COOLOFF_MAX_MINUTES after the last one: never a permanent lockout. Every failure and every success
# is recorded (axes AccessFailureLog / AccessLog).
AXES_ENABLED = True
AXES_FAILURE_LIMIT = env_int("DAIBAN_LOGIN_FAILURE_LIMIT", 5)
LOGIN_COOLOFF_MINUTES = env_int("DAIBAN_LOGIN_COOLOFF_MINUTES", 5)
LOGIN_COOLOFF_MAX_MINUTES = env_int("DAIBAN_LOGIN_COOLOFF_MAX_MINUTES", 60)
AXES_COOLOFF_TIME = "daiban.accounts.login_throttle.cool_off"
AXES_USE_ATTEMPT_EXPIRATION = True  # each record expires on its own cool-off, not the current request's
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_LOCKOUT_CALLABLE = "daiban.accounts.login_throttle.lockout_response"
AXES_CLIENT_IP_CALLABLE = "daiban.accounts.login_throttle.client_ip"
AXES_USERNAME_CALLABLE = "daiban.accounts.login_throttle.username_for"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_COOLOFF_MESSAGE = "登录失败次数过多，已暂停登录，请稍后再试。"
AXES_RESET_ON_SUCCESS = False  # one valid login must not wipe an address's failures against other accounts

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Masks anything that looks like an ID or phone number, in every record that reaches a handler.
    "filters": {"pii": {"()": "daiban.pii.log_filters.PiiRedactingFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["pii"]}},
    "root": {"handlers": ["console"], "level": env_str("DAIBAN_LOG_LEVEL", "INFO")},
    "loggers": {
        # Request logs carry URLs only; URLs never carry personal data (see daiban/pii).
        "django.request": {"level": "WARNING"},
        "axes.apps": {"level": "WARNING"},  # a version banner at every start of every command
        # WeasyPrint reports each of its layout steps at INFO: several lines for every PDF.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Load the demo network, its accounts (with a published password) and demo matters into an empty database
# on `make run` (manage.py load_demo). Only the local demo environment that `make` writes sets it.
DAIBAN_LOAD_DEMO = env_bool("DAIBAN_LOAD_DEMO", False)

# The city this installation serves (its division code): the default region of create_admin.
DAIBAN_CITY_CODE = env_str("DAIBAN_CITY_CODE", "150100")

# Full ID and phone numbers (daiban.pii.services.reveal): at most DAIBAN_REVEAL_LIMIT reveals per person
# within DAIBAN_REVEAL_WINDOW_MINUTES; DAIBAN_REVEAL_BURST reveals within DAIBAN_REVEAL_BURST_MINUTES (or any
# refusal over the limit) raise an alert for the supervisors (纪检) of the person's jurisdiction.
DAIBAN_REVEAL_LIMIT = env_int("DAIBAN_REVEAL_LIMIT", 30)
DAIBAN_REVEAL_WINDOW_MINUTES = env_int("DAIBAN_REVEAL_WINDOW_MINUTES", 60)
DAIBAN_REVEAL_BURST = env_int("DAIBAN_REVEAL_BURST", 10)
DAIBAN_REVEAL_BURST_MINUTES = env_int("DAIBAN_REVEAL_BURST_MINUTES", 10)

# Days before a deadline at which a step counts as 临期 (due soon).
DUE_SOON_DAYS = env_int("DAIBAN_DUE_SOON_DAYS", 3)

# Background work: Huey. Its SQLite storage by default (no extra server: `make run` starts one consumer
# beside gunicorn); Redis when REDIS_URL is set (several consumers on several machines). Periodic tasks
# claim their work with unique rows, so two consumers running one at once do nothing twice.
REDIS_URL = env_str("REDIS_URL", "")
HUEY: dict[str, object] = {
    "name": env_str("DAIBAN_QUEUE_NAME", "daiban"),
    "immediate": env_bool("DAIBAN_QUEUE_IMMEDIATE", False),
    "utc": True,
    "consumer": {"workers": env_int("DAIBAN_QUEUE_WORKERS", 2), "worker_type": "thread"},
}
if REDIS_URL:
    HUEY |= {"huey_class": "huey.RedisHuey", "url": REDIS_URL}
else:
    HUEY |= {"huey_class": "huey.SqliteHuey", "filename": str(VAR_DIR / "queue.sqlite3")}
# The cache: shared by every web node through Redis when REDIS_URL is set; otherwise each process's memory.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("DAIBAN_QUEUE_NAME", "daiban"),
        }
    }

# Early warnings (daiban.prevention.warnings), evaluated by a periodic task. The same person with at least
# WARN_VISITS visits within WARN_VISITS_DAYS days; a village whose matters this month exceed its 6-month
# monthly average by WARN_SURGE_FACTOR (and at least WARN_SURGE_MIN matters); a group from WARN_GROUP_SIZE
# people. A screening 在控 past its review date is always a warning. Each scan (every WARN_SCAN_MINUTES
# minutes) looks back WARN_LOOKBACK_DAYS days for new facts: how long the queue may be down without an
# alert being lost.
# A threshold below 1 (or a factor of 1 or less) would alert on everything, so it stops the start instead.


def _warn_at_least_one(name: str, default: int) -> int:
    value = env_int(name, default)
    if value < 1:
        raise ImproperlyConfigured(f"{name} must be at least 1, got {value}.")
    return value


def _warn_factor(name: str, default: str) -> float:
    raw = env_str(name, default)
    try:
        value = float(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a number, got {raw!r}.") from exc
    if not value > 1:  # also refuses nan
        raise ImproperlyConfigured(f"{name} must be greater than 1, got {raw!r}.")
    return value


WARN_VISITS = _warn_at_least_one("DAIBAN_WARN_VISITS", 3)
WARN_VISITS_DAYS = _warn_at_least_one("DAIBAN_WARN_VISITS_DAYS", 30)
WARN_SURGE_FACTOR = _warn_factor("DAIBAN_WARN_SURGE_FACTOR", "2.0")
WARN_SURGE_MIN = _warn_at_least_one("DAIBAN_WARN_SURGE_MIN", 3)
WARN_GROUP_SIZE = _warn_at_least_one("DAIBAN_WARN_GROUP_SIZE", 5)
WARN_SCAN_MINUTES = env_int("DAIBAN_WARN_SCAN_MINUTES", 10)
WARN_LOOKBACK_DAYS = _warn_at_least_one("DAIBAN_WARN_LOOKBACK_DAYS", 7)
if not (1 <= WARN_SCAN_MINUTES < 60 or (WARN_SCAN_MINUTES % 60 == 0 and 60 <= WARN_SCAN_MINUTES <= 1440)):
    raise ImproperlyConfigured("DAIBAN_WARN_SCAN_MINUTES must be 1–59, or whole hours up to 1440.")

# The supervision ladder (daiban.supervision.scan), run by a periodic task every SUPERVISION_SCAN_MINUTES
# minutes. A deadline due within SUPERVISION_DUE_SOON_WORKDAYS working days is reminded (临期), a passed one
# too (超期); a unit's passed clock brings a 督办单 that wants written feedback within
# SUPERVISION_FEEDBACK_WORKDAYS working days, after which (feedback missing, or still overdue) the next
# level up lists it (挂牌督办) with its 纪检 copied.
SUPERVISION_SCAN_MINUTES = env_int("DAIBAN_SUPERVISION_SCAN_MINUTES", 15)
SUPERVISION_DUE_SOON_WORKDAYS = _warn_at_least_one("DAIBAN_SUPERVISION_DUE_SOON_WORKDAYS", 3)
SUPERVISION_FEEDBACK_WORKDAYS = _warn_at_least_one("DAIBAN_SUPERVISION_FEEDBACK_WORKDAYS", 5)
# A matter open longer than this many days counts as difficult (久拖未结): a county centre may convene experts.
SUPERVISION_LONG_OPEN_DAYS = _warn_at_least_one("DAIBAN_SUPERVISION_LONG_OPEN_DAYS", 90)
if not (
    1 <= SUPERVISION_SCAN_MINUTES < 60
    or (SUPERVISION_SCAN_MINUTES % 60 == 0 and 60 <= SUPERVISION_SCAN_MINUTES <= 1440)
):
    raise ImproperlyConfigured("DAIBAN_SUPERVISION_SCAN_MINUTES must be 1–59, or whole hours up to 1440.")

# Messages (daiban.notify). Outbound SMS and e-mail go through a backend: "console" (a masked log line),
# "file" (JSON lines under VAR_DIR/notify/, the address masked) or, for SMS, "http" (POST JSON to
# NOTIFY_SMS_URL with NOTIFY_SMS_TOKEN; the provider must dedupe on the Idempotency-Key header). A failed
# send is retried NOTIFY_MAX_ATTEMPTS times in all, NOTIFY_RETRY_BASE_SECONDS × 2^(n-1) apart; the periodic
# re-send runs every NOTIFY_RESEND_MINUTES minutes and takes back a send claimed NOTIFY_CLAIM_TIMEOUT_SECONDS
# ago and never finished (a consumer that died mid-send: the provider's dedupe makes that safe).
NOTIFY_BACKENDS = ("console", "file", "http")
NOTIFY_SMS_BACKEND = env_str("DAIBAN_NOTIFY_SMS_BACKEND", "console")
NOTIFY_EMAIL_BACKEND = env_str("DAIBAN_NOTIFY_EMAIL_BACKEND", "console")
NOTIFY_SMS_URL = env_str("DAIBAN_NOTIFY_SMS_URL", "")
NOTIFY_SMS_TOKEN = env_str("DAIBAN_NOTIFY_SMS_TOKEN", "")
NOTIFY_SMS_TIMEOUT_SECONDS = env_int("DAIBAN_NOTIFY_SMS_TIMEOUT_SECONDS", 10)
NOTIFY_FILE_DIR = Path(env_str("DAIBAN_NOTIFY_FILE_DIR", str(VAR_DIR / "notify")))
NOTIFY_MAX_ATTEMPTS = env_int("DAIBAN_NOTIFY_MAX_ATTEMPTS", 5)
NOTIFY_RETRY_BASE_SECONDS = env_int("DAIBAN_NOTIFY_RETRY_BASE_SECONDS", 60)
NOTIFY_RESEND_MINUTES = env_int("DAIBAN_NOTIFY_RESEND_MINUTES", 1)
NOTIFY_CLAIM_TIMEOUT_SECONDS = env_int("DAIBAN_NOTIFY_CLAIM_TIMEOUT_SECONDS", 300)
NOTIFY_RESEND_BATCH = env_int("DAIBAN_NOTIFY_RESEND_BATCH", 200)
if NOTIFY_SMS_BACKEND not in NOTIFY_BACKENDS or NOTIFY_EMAIL_BACKEND not in ("console", "file"):
    raise ImproperlyConfigured(
        "DAIBAN_NOTIFY_SMS_BACKEND must be console, file or http; DAIBAN_NOTIFY_EMAIL_BACKEND console or file."
    )
if NOTIFY_SMS_BACKEND == "http" and not (
    NOTIFY_SMS_URL.startswith(("https://", "http://")) and NOTIFY_SMS_TOKEN
):
    raise ImproperlyConfigured(
        "The http SMS backend needs DAIBAN_NOTIFY_SMS_URL and DAIBAN_NOTIFY_SMS_TOKEN."
    )
if not (
    1 <= NOTIFY_MAX_ATTEMPTS <= 20 and NOTIFY_RETRY_BASE_SECONDS >= 1 and 1 <= NOTIFY_RESEND_MINUTES < 60
):
    raise ImproperlyConfigured(
        "DAIBAN_NOTIFY_MAX_ATTEMPTS must be 1–20, DAIBAN_NOTIFY_RETRY_BASE_SECONDS at least 1, "
        "DAIBAN_NOTIFY_RESEND_MINUTES 1–59."
    )

# Written instruments (daiban.documents). An administrator adjusts a kind's wording or header per county by
# putting a template file in DOCUMENT_TEMPLATES_DIR/<county code>/<kind>.html (or default/<kind>.html for
# all): see daiban/documents/templating.py and `manage.py document_templates`.
DOCUMENT_TEMPLATES_DIR = Path(env_str("DAIBAN_DOCUMENT_TEMPLATES_DIR", str(VAR_DIR / "document_templates")))
# The public address the petitioner's receipt points to (its QR code): the portal's lookup page.
PUBLIC_BASE_URL = env_str("DAIBAN_PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
if not PUBLIC_BASE_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured("DAIBAN_PUBLIC_BASE_URL must start with http:// or https://.")

# The public pages (daiban.portal). Throttle rules: (hits per address, window in seconds, hits per counted
# value — a matter number, a phone number — or None). Every attempt counts, right or wrong.
PORTAL_THROTTLE: dict[str, tuple[int, int, int | None]] = {
    "lookup": (
        env_int("DAIBAN_PORTAL_LOOKUPS_PER_ADDRESS", 30),
        600,
        env_int("DAIBAN_PORTAL_LOOKUPS_PER_NUMBER", 10),
    ),
    "rate": (20, 3600, None),
    "sms_code": (10, 3600, 3),  # per phone: three codes an hour
    "apply": (5, 86400, 3),  # per phone: three requests a day
    "directory": (600, 600, None),
}
if min(PORTAL_THROTTLE["lookup"][0], PORTAL_THROTTLE["lookup"][2] or 1) < 1:
    raise ImproperlyConfigured(
        "DAIBAN_PORTAL_LOOKUPS_PER_ADDRESS and DAIBAN_PORTAL_LOOKUPS_PER_NUMBER must be at least 1."
    )
# The online rating (网上评价) is open this many days after the reply (答复).
PORTAL_RATING_DAYS = 30
