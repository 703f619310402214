"""Finding a person (by number, POST only) and one person's matters."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from daiban.accounts.http import AuthedRequest
from daiban.core import clock
from daiban.matters import forms as mf
from daiban.matters.models import Petitioner
from daiban.matters.selectors import matters_for, petitioners_for
from daiban.matters.views.access import RELATED
from daiban.matters.views.lists import list_row
from daiban.pii.fields import search_q as pii_search_q

# No stored name is longer, so a longer search matches nobody (and is not sent to the database: a
# page-long LIKE pattern is more than SQLite accepts).
NAME_MAX = Petitioner._meta.get_field("name").max_length or 0


@require_http_methods(["GET", "POST"])
def petitioner_search(request: AuthedRequest) -> HttpResponse:
    """Find people by ID, phone or name. POST only, so no one's number or name ends up in a URL, the
    browser history or an access log."""
    user = request.user
    form = mf.PetitionerSearchForm(
        request.POST if request.method == "POST" and "term" in request.POST else None
    )
    results: list[Petitioner] = []
    name = (request.POST.get("name") or "").strip() if request.method == "POST" else ""
    if name:
        people = petitioners_for(user).filter(name__startswith=name) if len(name) <= NAME_MAX else None
        results = list(people.order_by("name", "id")[:50]) if people is not None else []
    elif request.method == "POST" and form.is_valid():
        try:
            q = pii_search_q(form.cleaned_data["term"])
        except ValidationError as exc:
            form.add_error("term", exc.messages[0])
            q = None
        if q is None and not form.errors:
            form.add_error("term", "请输入有效的身份证号码或联系电话。")
        elif q is not None:
            results = list(petitioners_for(user).filter(q)[:20])
    return render(request, "matters/petitioner_search.html", {"form": form, "results": results, "name": name})


@require_GET
def petitioner_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    person = petitioners_for(user).filter(pk=pk).first()
    if person is None:
        raise Http404
    today = clock.today()
    matters = (
        matters_for(user)
        .filter(petitioners=person)
        .select_related(*RELATED)
        .prefetch_related("petitioners")
        .order_by("-received_at")
    )
    return render(
        request,
        "matters/petitioner.html",
        {"person": person, "rows": [list_row(m, today) for m in matters]},
    )
