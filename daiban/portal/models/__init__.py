"""The portal's tables, one module per area (each area owns its module)."""

from daiban.portal.models.directory import *  # noqa: F403
from daiban.portal.models.lookup import *  # noqa: F403
from daiban.portal.models.requests import *  # noqa: F403
from daiban.portal.models.throttle import *  # noqa: F403
