"""The import pages in the fuzz test (tests/test_fuzz_inputs.py counts these ROUTES), and hostile files:
whatever bytes or cells are uploaded, the answer is a report or a form error, never a server error."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import PASSWORD, Personas, Tree
from daiban.exchange.imports.columns import COLUMNS
from daiban.exchange.imports.service import import_file
from daiban.exchange.models.imports import ImportKind, ImportRun, ImportStatus
from daiban.exchange.tests.imports.helpers import xlsx
from tests.test_fuzz_inputs import Route, World, world  # noqa: F401  (the fixture)
from tests.test_fuzz_inputs import test_hostile_input_to_every_route_is_never_a_server_error as _run


def fuzz_route(routes: dict[str, Route], route: str, w: World) -> None:
    """Run the site-wide fuzz test body on one of ``routes``."""
    import tests.test_fuzz_inputs as site

    saved = site.ROUTES
    site.ROUTES = {**saved, route: routes[route]}
    try:
        _run(route, w)
    finally:
        site.ROUTES = saved


def _run_url(w: World, p: dict[str, str]) -> str:
    if "pk" in p:
        return f"/imports/runs/{p['pk']}/"
    run = ImportRun.objects.filter(user=w.personas.county_staff).first() or ImportRun.objects.create(
        user=w.personas.county_staff,
        kind=ImportKind.MATTERS,
        filename="台账.xlsx",
        sha256="0" * 64,
        status=ImportStatus.REJECTED,
        report=[{"row": 2, "column": "登记日期", "reason": "不是有效的日期。"}],
    )
    return f"/imports/runs/{run.pk}/"


ADMINS = ("county_staff", "city_admin", "village_agent")
ROUTES: dict[str, Route] = {
    "exchange:import_home": Route(lambda w, p: "/imports/", personas=ADMINS),
    "exchange:import_upload": Route(
        lambda w, p: f"/imports/{p.get('kind', 'matters')}/",
        "post",
        personas=("county_staff", "city_admin", "unit_handler"),
        fields=("file",),
        path_params={"kind": "str"},
    ),
    "exchange:import_template": Route(
        lambda w, p: f"/imports/{p.get('kind', 'agents')}/template.xlsx",
        personas=ADMINS,
        path_params={"kind": "str"},
    ),
    "exchange:import_run": Route(_run_url, personas=("county_staff", "outsider"), path_params={"pk": "int"}),
}


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_hostile_input_is_never_a_server_error(route: str, world: World) -> None:  # noqa: F811
    fuzz_route(ROUTES, route, world)


# ------------------------------------------------------------------------------------ hostile files

CELLS = st.one_of(
    st.none(),
    st.text(max_size=40),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2100, 1, 1)),
    st.sampled_from(
        [
            "150102401001",
            "新城区",
            "托克托县",
            "是",
            "否",
            "满意",
            "窗口来访",
            "2023-02-30",
            "２０２３年５月８日",
        ]
    ),
)
_SAFE = st.characters(blacklist_categories=("Cs", "Cc"))
HOSTILE = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))


def _clean(value: object) -> object:
    # openpyxl refuses control characters in a cell; a file made by Excel cannot hold them either.
    if isinstance(value, str):
        return "".join(ch for ch in value if ch.isprintable())
    return value


@pytest.mark.parametrize("kind", [k.value for k in ImportKind])
def test_hostile_cells_give_a_report_never_an_error(kind: str, tree: Tree, personas: Personas) -> None:
    headers = [c.header for c in COLUMNS[kind]]

    @HOSTILE
    @given(
        rows=st.lists(st.lists(CELLS, min_size=len(headers), max_size=len(headers)), min_size=1, max_size=4)
    )
    def run(rows: list[list[object]]) -> None:
        content = xlsx(headers, [[_clean(v) for v in row] for row in rows])
        result = import_file(actor=personas.county_staff, kind=kind, filename="fuzz.xlsx", content=content)
        assert result.status in (ImportStatus.APPLIED, ImportStatus.REJECTED)
        for problem in result.report:
            assert isinstance(problem["reason"], str) and problem["reason"]

    run()


def test_uploads_of_any_bytes_are_refused_with_a_reason(tree: Tree, personas: Personas) -> None:
    client = Client(raise_request_exception=False)
    assert client.login(username=personas.county_staff.username, password=PASSWORD)

    @HOSTILE
    @given(body=st.binary(max_size=3000), name=st.text(_SAFE, min_size=1, max_size=60), suffix=st.booleans())
    def run(body: bytes, name: str, suffix: bool) -> None:
        filename = (name + ".xlsx") if suffix else name
        upload = SimpleUploadedFile(filename.replace("/", "_") or "x", body)
        response = client.post("/imports/matters/", {"file": upload})
        assert response.status_code in (302, 400), response.status_code
        if response.status_code == 302:
            assert client.get(response["Location"]).status_code == 200

    run()


def test_a_zip_that_is_not_a_workbook_is_refused(tree: Tree, personas: Personas) -> None:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    run = import_file(actor=personas.county_staff, kind="units", filename="a.xlsx", content=out.getvalue())
    assert run.status == ImportStatus.REJECTED and run.report[0]["row"] == 0


def test_one_hostile_cell_in_a_good_ledger(tree: Tree, personas: Personas) -> None:
    """A good ledger with one cell replaced: the hostile value meets the checks and writers behind the
    other, valid cells; the answer is a report or an import, and a rejected file writes nothing."""
    from daiban.exchange.tests.imports.helpers import LEDGER_HEADERS, ledger_rows
    from daiban.matters.models import Matter

    good = ledger_rows(tree.village_a1x.code)

    @HOSTILE
    @given(row=st.integers(0, 1), column=st.integers(0, len(LEDGER_HEADERS) - 1), value=CELLS)
    def run(row: int, column: int, value: object) -> None:
        rows = [list(r) for r in good]
        rows[row][column] = _clean(value)
        before = Matter.objects.count()
        result = import_file(
            actor=personas.county_staff,
            kind="matters",
            filename="fuzz.xlsx",
            content=xlsx(LEDGER_HEADERS, rows),
        )
        if result.status == ImportStatus.REJECTED:
            assert Matter.objects.count() == before
            assert result.report
        Matter.objects.all().delete()  # the next example starts from an empty register

    run()
