from daiban.supervision.tests.inspections.helpers import told  # noqa: F401  (the fixture)
from tests.browser.conftest import (  # noqa: F401  (the browser fixtures, for test_phone)
    browser,
    new_context,
    server,
    static_watch,
    time_limits,
)
