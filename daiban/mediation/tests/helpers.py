"""What the mediation tests share: a matter mediated at 苏雅拉社区, its sessions and agreement drafted
through the real actions, and signing — through a stand-in for the documents app's signed document (the
kind's ``on_signed`` is all the agreement sees of it) or through the documents actions themselves."""

from __future__ import annotations

import base64
import datetime
import io
from types import SimpleNamespace
from typing import Any

from django.db import transaction
from PIL import Image, ImageDraw

from daiban.accounts.models import User
from daiban.core import clock
from daiban.matters.models import Matter
from daiban.matters.tests.factories import Flow
from daiban.mediation import actions, kind
from daiban.mediation.actions import ObligationInput, PartyInput
from daiban.mediation.models import Agreement, MediationSession, Obligation

D = datetime.date


def session(flow: Flow, actor: User, matter: Matter, **overrides: Any) -> MediationSession:
    args: dict[str, Any] = {
        "held_at": flow.now - datetime.timedelta(hours=2),
        "place": "苏雅拉社区调解室",
        "mediators": [actor],
        "mediator_names": "赵调解员（苏雅拉社区人民调解委员会）",
        "participants": "王建国；某物业公司经理李某",
        "record_text": "王建国陈述楼道漏水情况；物业公司同意维修并承担费用。",
        "outcome": "agreed",
    } | overrides
    return flow.call(actions.session_record, actor=actor, matter_id=matter.pk, **args)


def content(flow: Flow, matter: Matter, **overrides: Any) -> dict[str, Any]:
    """An agreement between 王建国 (甲方, the petitioner) and the 物业公司 (乙方): the company repairs within
    10 days and pays 3000 元 within 20; 王建国 gives access within 5."""
    petitioner = matter.petitioners.first()
    today = flow.today
    return {
        "committee": "苏雅拉社区人民调解委员会",
        "place": "苏雅拉社区调解室",
        "facts": "小区改造后楼道管线未恢复，雨天漏水，损坏王建国家中墙面。",
        "issues": "维修责任和墙面损失的赔偿。",
        "other_terms": "",
        "mediators": [],
        "mediator_names": "赵调解员",
        "parties": [
            PartyInput("jia", "王建国", "苏雅拉社区居民", petitioner.pk if petitioner else None),
            PartyInput("yi", "某物业服务有限公司", "负责人李某"),
        ],
        "obligations": [
            ObligationInput(
                "yi", "修复楼道管线", "施工修复并经业主验收", today + datetime.timedelta(days=10)
            ),
            ObligationInput("yi", "赔偿墙面损失 3000 元", "一次性转账", today + datetime.timedelta(days=20)),
            ObligationInput("jia", "配合入户施工", "提前约定时间开门", today + datetime.timedelta(days=5)),
        ],
    } | overrides


def draft(flow: Flow, actor: User, matter: Matter, **overrides: Any) -> Agreement:
    return flow.call(
        actions.agreement_draft, actor=actor, matter_id=matter.pk, **content(flow, matter, **overrides)
    )


def fake_document(agreement: Agreement, signed_at: datetime.datetime, pk: int = 900_001) -> Any:
    """What ``on_signed`` reads of the documents app's signed document."""
    matter = Matter.objects.get(pk=agreement.matter_id)
    return SimpleNamespace(
        pk=pk,
        source_key=agreement.source_key,
        matter_id=agreement.matter_id,
        data=kind.data(matter, agreement.source_key),
        signed_at=signed_at,
        number="苏信代调〔2026〕1号",
    )


def sign(flow: Flow, actor: User, agreement: Agreement, document: Any = None) -> Agreement:
    """The parties sign (as the documents app's signing transaction calls ``on_signed``)."""
    with clock.frozen(flow.now), transaction.atomic():
        actions.agreement_signed(actor=actor, document=document or fake_document(agreement, flow.now))
    return Agreement.objects.get(pk=agreement.pk)


def signed(flow: Flow, actor: User, matter: Matter) -> Agreement:
    session(flow, actor, matter)
    return sign(flow, actor, draft(flow, actor, matter))


def version(agreement: Agreement) -> int:
    return Agreement.objects.values_list("version", flat=True).get(pk=agreement.pk)


def obligation(agreement: Agreement, position: int) -> Obligation:
    return Obligation.objects.get(agreement_id=agreement.pk, position=position)


def perform(
    flow: Flow, actor: User, ob: Obligation, outcome: str = "done", on: D | None = None, note: str = ""
) -> Obligation:
    return flow.call(
        actions.performance_record,
        actor=actor,
        obligation_id=ob.pk,
        expected_version=version(ob.agreement),
        outcome=outcome,
        on=on or flow.today,
        note=note,
    )


def signature_data_url(seed: int = 0) -> str:
    """A finger signature as the pad sends it: a PNG data URL with a few strokes."""
    img = Image.new("RGBA", (400, 150), (255, 255, 255, 0))
    draw = ImageDraw.Draw(img)
    draw.line([(20, 100), (120, 30 + seed), (200, 110), (300, 40), (380, 90)], fill=(0, 0, 0, 255), width=5)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()
