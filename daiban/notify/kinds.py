"""The registry of message kinds: what each kind is called, and how it travels by default.

``sms_default``: whether SMS is on for this kind for staff who gave a phone and enabled SMS but never
chose kinds. ``ignores_quiet_hours``: only overdue supervision may wake someone at night.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    sms_default: bool = False
    ignores_quiet_hours: bool = False


KINDS: dict[str, Kind] = {
    k.key: k
    for k in (
        Kind("assigned", "交办到本单位", sms_default=True),
        Kind("escalated", "事项上报到本级"),
        Kind("handed_down", "事项下交到本级"),
        Kind("objection_decided", "异议已处理"),
        Kind("reply_feedback", "答复待反馈", sms_default=True),
        Kind("due_soon", "即将到期", sms_default=True),
        Kind("overdue", "已超期", sms_default=True, ignores_quiet_hours=True),
        Kind("supervision_order", "督办单", sms_default=True, ignores_quiet_hours=True),
        Kind("listed_supervision", "挂牌督办", sms_default=True, ignores_quiet_hours=True),
        Kind("inspection", "督查件", sms_default=True),
        Kind("consultation", "专家研判"),
        Kind("mediation", "调解协议（司法确认、履行提醒）"),
        Kind("online_request", "网上代办申请", sms_default=True),
        # 责令改正 (arts. 42–45): to the unit or level ordered to correct a failure, and back to the orderer.
        Kind("correction_order", "责令改正", sms_default=True),
        # 重大紧急 (art. 25): sent with urgent=True, so its SMS ignores quiet hours whatever the kind says.
        Kind("urgent_matter", "重大紧急事项", sms_default=True),
    )
}

# What the site texts to a member of the public (no account, no preferences): ``services.text_citizen``.
# Kept apart from KINDS so that they never show among the choices of a staff member's settings.
CITIZEN_KINDS: dict[str, Kind] = {
    k.key: k
    for k in (
        Kind("citizen_code", "短信验证码", ignores_quiet_hours=True),
        Kind("citizen_request", "网上代办申请回复"),
    )
}


def label(key: str) -> str:
    kind = KINDS.get(key) or CITIZEN_KINDS.get(key)
    return kind.label if kind else key


def choices() -> list[tuple[str, str]]:
    return [(k.key, k.label) for k in KINDS.values()]
