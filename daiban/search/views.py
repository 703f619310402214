"""The search page (检索). The term is POSTed, never put in the URL: it is often a person's name, and
names, like numbers, stay out of addresses, the browser history and the access log (as on the petitioner
page). "More" posts the term again with the cursor of the next page."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from daiban.accounts.http import AuthedRequest
from daiban.core import clock
from daiban.matters.selectors import matters_for
from daiban.matters.views.access import RELATED
from daiban.matters.views.lists import list_row
from daiban.search.access import can_search
from daiban.search.query import Cursor, TermTooShort, search


class SearchForm(forms.Form):
    q = forms.CharField(label="检索词", max_length=40, strip=True)
    after = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)


@require_http_methods(["GET", "POST"])
def search_page(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if not can_search(user):
        raise PermissionDenied("您没有可查看的事项。")
    form = SearchForm(request.POST if request.method == "POST" else None)
    rows: list[tuple[str, object]] = []
    next_cursor = ""
    searched = False
    if form.is_bound and form.is_valid():
        after = Cursor.decode(form.cleaned_data["after"]) if form.cleaned_data["after"] else None
        try:
            result = search(user, form.cleaned_data["q"], after)
        except TermTooShort as exc:
            form.add_error("q", str(exc))
        else:
            searched = True
            ids = [h.matter_id for h in result.hits]
            found = {
                m.pk: m
                for m in matters_for(user)
                .filter(pk__in=ids)
                .select_related(*RELATED)
                .prefetch_related("petitioners")
            }
            today = clock.today()
            rows = [
                (h.label, list_row(found[h.matter_id], today)) for h in result.hits if h.matter_id in found
            ]
            next_cursor = result.next.encode() if result.next else ""
    return render(
        request,
        "search/search.html",
        {"form": form, "rows": rows, "next_cursor": next_cursor, "searched": searched},
    )
