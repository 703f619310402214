from daiban.supervision.tests.inspections.helpers import told  # noqa: F401  (the fixture)
