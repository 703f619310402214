from daiban.notify.tests.helpers import outbox  # noqa: F401  (the fixture)
