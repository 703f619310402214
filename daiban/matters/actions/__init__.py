"""Every step in the life of a matter is one function here (信访工作条例, domain.md §2–3), grouped by
phase. See ``base`` for what each action does in its one transaction, ``daiban.matters.rules`` for who may
take it when, and ``daiban.matters.workflow`` for the registry that names each action once."""

from daiban.matters.actions.attachments import *  # noqa: F403
from daiban.matters.actions.codes import *  # noqa: F403
from daiban.matters.actions.feedback import *  # noqa: F403
from daiban.matters.actions.handling import *  # noqa: F403
from daiban.matters.actions.intake import *  # noqa: F403
from daiban.matters.actions.legacy import *  # noqa: F403
from daiban.matters.actions.numbering import seeded_lookup_codes
from daiban.matters.actions.objections import *  # noqa: F403
from daiban.matters.actions.people import *  # noqa: F403
from daiban.matters.actions.repeats import *  # noqa: F403
from daiban.matters.actions.review import *  # noqa: F403
from daiban.matters.actions.routing import *  # noqa: F403
from daiban.matters.actions.service import *  # noqa: F403
from daiban.matters.actions.triage import *  # noqa: F403

__all__ = ["seeded_lookup_codes"]
