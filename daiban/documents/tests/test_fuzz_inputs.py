"""The documents pages in the fuzz test: hostile values in every form field, query and path parameter;
never a 500."""

from __future__ import annotations

import pytest

from daiban.documents.tests.world import Docs, make_docs
from daiban.matters.tests.factories import Flow
from daiban.prevention.tests.test_fuzz_inputs import fuzz_route
from tests.test_fuzz_inputs import Route, World, world  # noqa: F401  (the fixture)


def _docs(w: World) -> Docs:
    found: Docs | None = getattr(w, "_documents", None)
    if found is None:
        found = make_docs(Flow(w.tree, w.personas, start=w.flow.now), w.personas, n=11)
        w._documents = found  # type: ignore[attr-defined]
    return found


def _doc(attr: str):  # type: ignore[no-untyped-def]
    def path(suffix: str):  # type: ignore[no-untyped-def]
        return lambda w, p: f"/documents/{p.get('pk', str(getattr(_docs(w), attr).pk))}/{suffix}"

    return path


PEOPLE = ("county_staff", "unit_handler", "supervisor")

ROUTES: dict[str, Route] = {
    "documents:matter": Route(
        lambda w, p: f"/documents/matter/{p.get('pk', str(_docs(w).matter.pk))}/",
        personas=PEOPLE,
        path_params={"pk": "int"},
    ),
    "documents:new": Route(
        lambda w, p: f"/documents/matter/{p.get('pk', str(_docs(w).matter.pk))}/new/",
        "post",
        personas=PEOPLE,
        fields=("kind", "source"),
        path_params={"pk": "int"},
    ),
    "documents:detail": Route(_doc("receipt")(""), personas=PEOPLE, path_params={"pk": "int"}),
    "documents:pdf": Route(_doc("receipt")("pdf/"), personas=PEOPLE, path_params={"pk": "int"}),
    "documents:docx": Route(_doc("notice")("docx/"), personas=PEOPLE, path_params={"pk": "int"}),
    "documents:scan_file": Route(_doc("scanned")("scan/file/"), personas=PEOPLE, path_params={"pk": "int"}),
    "documents:sign": Route(
        _doc("unsigned")("sign/"),
        "post",
        personas=PEOPLE,
        fields=("version", "signature_0"),
        path_params={"pk": "int"},
    ),
    "documents:scan": Route(
        _doc("unsigned")("scan/"),
        "post",
        personas=PEOPLE,
        fields=("version", "scan", "signed_on"),
        path_params={"pk": "int"},
    ),
    "documents:serve": Route(
        _doc("notice")("serve/"),
        "post",
        personas=PEOPLE,
        fields=("version", "served_on", "manner", "recipient", "note"),
        path_params={"pk": "int"},
    ),
    "documents:correct": Route(
        _doc("notice")("correct/"),
        "post",
        personas=PEOPLE,
        fields=("version", "reason"),
        path_params={"pk": "int"},
    ),
    "documents:cancel": Route(
        _doc("receipt")("cancel/"),
        "post",
        personas=PEOPLE,
        fields=("version", "reason"),
        path_params={"pk": "int"},
    ),
}


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_hostile_input_is_never_a_server_error(route: str, world: World) -> None:  # noqa: F811
    fuzz_route(ROUTES, route, world)
