"""Prevention's records, one module per area (screenings, visits, sessions, errands, alerts)."""

from daiban.prevention.models.alerts import Alert, AlertEvent, AlertRule, AlertStatus
from daiban.prevention.models.base import Sequence
from daiban.prevention.models.errands import Errand, ErrandEvent, ErrandService, ErrandStatus, NoticeMethod
from daiban.prevention.models.screenings import (
    ConflictKind,
    RiskLevel,
    Screening,
    ScreeningEvent,
    ScreeningStatus,
    Source,
    TransferTarget,
)
from daiban.prevention.models.sessions import (
    JointBody,
    Reception,
    ReceptionSession,
    SessionEvent,
    SessionKind,
    SessionStatus,
)
from daiban.prevention.models.visits import Visit, VisitEvent, VisitKind

__all__ = [
    "Alert",
    "AlertEvent",
    "AlertRule",
    "AlertStatus",
    "ConflictKind",
    "Errand",
    "ErrandEvent",
    "ErrandService",
    "ErrandStatus",
    "JointBody",
    "NoticeMethod",
    "Reception",
    "ReceptionSession",
    "RiskLevel",
    "Screening",
    "ScreeningEvent",
    "ScreeningStatus",
    "Sequence",
    "SessionEvent",
    "SessionKind",
    "SessionStatus",
    "Source",
    "TransferTarget",
    "Visit",
    "VisitEvent",
    "VisitKind",
]
