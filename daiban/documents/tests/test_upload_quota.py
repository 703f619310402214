"""签字件扫描件 under the upload quotas (daiban.core.uploads): each uploaded scan counts for its uploader's
day, with its size, and the scan form refuses one over the limit on its field."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils.datastructures import MultiValueDict

from conftest import Personas, Tree
from daiban.core import clock
from daiban.core.uploads import used_today
from daiban.documents import actions
from daiban.documents.forms import ScanForm
from daiban.documents.tests.helpers import issue, kwargs_for
from daiban.matters.tests.factories import Flow

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def flow(tree: Tree, personas: Personas) -> Flow:
    return Flow(tree, personas)


def scan_form(user_id: int, size: int = 0) -> ScanForm:
    files = MultiValueDict({"scan": [SimpleUploadedFile("s.pdf", PDF + b"0" * size)]})
    return ScanForm({"version": "1"}, files, user_id=user_id)


@override_settings(DAIBAN_UPLOAD_DAILY_FILES=1)
def test_a_stored_scan_counts_for_the_day(flow: Flow, personas: Personas) -> None:
    agent = personas.county_staff
    doc = issue(flow, agent, flow.at_county(), "entrustment")
    flow.call(actions.attach_scan, actor=agent, **kwargs_for(doc, scan=SimpleUploadedFile("s.pdf", PDF)))
    with clock.frozen(flow.now):
        assert used_today(agent.pk).files == 1 and used_today(agent.pk).bytes == len(PDF)
        form = scan_form(agent.pk)
        assert not form.is_valid()
        assert "签字件扫描件：每人每天最多上传 1 个文件，今天已上传 1 个" in form.errors["scan"][0]
        assert scan_form(personas.village_agent.pk).is_valid()  # someone else's day is apart
    flow.later(days=1)
    with clock.frozen(flow.now):
        assert scan_form(agent.pk).is_valid()


@override_settings(DAIBAN_UPLOAD_MAX_TOTAL_MB=1)
def test_a_scan_over_the_submission_limit_is_refused_on_its_field(personas: Personas) -> None:
    form = scan_form(personas.county_staff.pk, size=1024 * 1024)
    assert not form.is_valid()
    assert form.errors["scan"][0].startswith("签字件扫描件：一次上传的文件合计不能超过 1 MB")
