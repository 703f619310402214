"""One small world of documents for the permission matrix and the fuzz test: a matter of 苏雅拉社区
routed to and accepted by 新城区住建局, with its receipt, its 委托书 signed on paper and its 受理告知书; and
another matter (another person) whose 委托书 waits for signatures."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import Personas
from daiban.documents import actions
from daiban.documents.models import Document
from daiban.documents.tests.helpers import issue, kwargs_for, other_person
from daiban.matters.models import Matter
from daiban.matters.tests.factories import Flow

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)


@dataclass
class Docs:
    matter: Matter
    receipt: Document  # network only
    scanned: Document  # 委托书 signed on paper (has a scan)
    notice: Document  # 受理告知书 of the unit, to be served
    unsigned: Document  # another matter's 委托书, waiting for signatures


def make_docs(flow: Flow, personas: Personas, n: int = 7) -> Docs:
    m = flow.handling(**other_person(n))
    receipt = issue(flow, personas.county_staff, m, "receipt", "")
    scanned = issue(flow, personas.county_staff, m, "entrustment", "")
    actions.attach_scan(
        actor=personas.county_staff, **kwargs_for(scanned, scan=SimpleUploadedFile("s.png", PNG))
    )
    notice = issue(flow, personas.unit_handler, m, "acceptance_notice")
    other = flow.at_county(**other_person(n + 1))
    unsigned = issue(flow, personas.county_staff, other, "entrustment", "")
    return Docs(matter=m, receipt=receipt, scanned=scanned, notice=notice, unsigned=unsigned)
