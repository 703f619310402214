"""Settings for the test suite: production settings with fixed, test-only secrets."""

import os

for _name in ("DAIBAN_SECRET_KEY", "DAIBAN_FIELD_KEY", "DAIBAN_HASH_KEY"):
    os.environ.setdefault(_name, f"test-only-{_name.lower()}-not-a-secret-0123456789")
os.environ.setdefault("DAIBAN_HTTPS", "0")
# Tasks run at once, in the calling thread, with in-memory storage (tests of the real storages and of the
# consumer build their own queue: daiban/prevention/tests/alerts).
os.environ.setdefault("DAIBAN_QUEUE_IMMEDIATE", "1")

from daiban.settings import *  # noqa: E402,F403
from daiban.settings import STATIC_ROOT, STORAGES, VAR_DIR  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}

STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = VAR_DIR / "test-media"
