"""Pages of the workbench. Views are thin: they fetch through the scoped selectors, call one action, and
turn the action's typed errors into 404, 403, 409 or a message next to the form (input kept)."""

from daiban.matters.views.actions import matter_action
from daiban.matters.views.detail import attachment_download, matter_detail, reveal_pii
from daiban.matters.views.exports import matter_export
from daiban.matters.views.intake import matter_intake, petitioner_lookup
from daiban.matters.views.lists import list_row, matter_list
from daiban.matters.views.petitioners import petitioner_detail, petitioner_search

__all__ = [
    "attachment_download",
    "list_row",
    "matter_action",
    "matter_detail",
    "matter_export",
    "matter_intake",
    "matter_list",
    "petitioner_detail",
    "petitioner_lookup",
    "petitioner_search",
    "reveal_pii",
]
