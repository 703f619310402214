"""Settings for the test suite: production settings with fixed, test-only secrets."""

import os

for _name in ("DAIBAN_SECRET_KEY", "DAIBAN_FIELD_KEY", "DAIBAN_HASH_KEY"):
    os.environ.setdefault(_name, f"test-only-{_name.lower()}-not-a-secret-0123456789")
os.environ.setdefault("DAIBAN_AUDIT_KEY", "test-only-audit-key-not-a-secret-0123456789abcdef")
# Backups (daiban.ops): a fixed test-only key, base64 of 32 bytes.
os.environ.setdefault("DAIBAN_BACKUP_KEY", "KMFGPftCtp03KBHwcbE1Q2yqT22KFbmk00ICO7lnepk=")
os.environ.setdefault("DAIBAN_HTTPS", "0")
# A transactional test's teardown empties every table: the audit triggers would refuse it. Their own tests
# install them (daiban/audit/tests/test_guard.py).
os.environ.setdefault("DAIBAN_AUDIT_DB_GUARD", "0")
# Tasks run at once, in the calling thread, with in-memory storage (tests of the real storages and of the
# consumer build their own queue: daiban/prevention/tests/alerts).
os.environ.setdefault("DAIBAN_QUEUE_IMMEDIATE", "1")
# Identity controls that would break the rest of the suite, off unless a test turns them on
# (daiban/accounts/tests): most tests sign in with a password alone and keep a client signed in while the
# project clock is frozen days or years away from the moment it signed in.
os.environ.setdefault("DAIBAN_MFA_REQUIRED", "none")
os.environ.setdefault("DAIBAN_IDLE_MINUTES", "0")
os.environ.setdefault("DAIBAN_SESSION_MAX_HOURS", "0")
os.environ.setdefault("DAIBAN_PASSWORD_MAX_AGE_DAYS", "0")

from daiban.settings import *  # noqa: E402,F403
from daiban.settings import STATIC_ROOT, STORAGES, VAR_DIR  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}

STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = VAR_DIR / "test-media"
