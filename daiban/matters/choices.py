"""Vocabulary of a proxy matter (domain.md §2). Stored values are English slugs; labels are the Chinese terms."""

from django.db import models


class Channel(models.TextChoices):
    WINDOW = "window", "窗口来访"
    DOOR = "door", "上门走访"
    MOBILE = "mobile", "移动服务窗口"
    PHONE = "phone", "电话"
    LETTER = "letter", "来信"
    ONLINE = "online", "网上"
    LEADER_DAY = "leader_day", "领导接待日"
    LIVESTREAM = "livestream", "直播间"
    SCREENING = "screening", "排查发现"


class Purpose(models.TextChoices):
    SUGGESTION = "suggestion", "建议意见"
    ACCUSATION = "accusation", "检举控告"
    APPEAL = "appeal", "申诉求决"
    CONSULTATION = "consultation", "咨询"
    HELP = "help", "求助"


# Purposes that may be answered at once and closed with a record (即时答复).
ANSWERABLE_AT_ONCE = {Purpose.SUGGESTION, Purpose.CONSULTATION, Purpose.HELP}


class Category(models.TextChoices):
    """Content classes (内容分类) used in petition statistics."""

    URBAN_CONSTRUCTION = "urban_construction", "城乡建设"
    LAND = "land", "国土资源"
    LABOUR = "labour", "劳动和社会保障"
    AGRICULTURE = "agriculture", "农村农业"
    POLITICS_LAW = "politics_law", "政法"
    DISCIPLINE = "discipline", "纪检监察"
    EDUCATION = "education", "教育文体"
    HEALTH = "health", "卫生健康"
    CIVIL_AFFAIRS = "civil_affairs", "民政"
    ENVIRONMENT = "environment", "生态环境"
    ECONOMY = "economy", "经济管理"
    TRANSPORT = "transport", "交通运输"
    NEIGHBOUR = "neighbour", "邻里纠纷"
    OTHER = "other", "其他"


class PetitionerGroup(models.TextChoices):
    VILLAGER = "villager", "村民"
    RESIDENT = "resident", "居民"
    EMPLOYEE = "employee", "企业职工"
    MIGRANT_WORKER = "migrant_worker", "农民工"
    RETIREE = "retiree", "退休人员"
    VETERAN = "veteran", "退役军人"
    BUSINESS = "business", "个体工商户"
    OTHER = "other", "其他"


class Status(models.TextChoices):
    REGISTERED = "registered", "已登记待分流"
    LOCAL = "local", "属地办理中"
    ROUTED = "routed", "已交办待受理"
    HANDLING = "handling", "单位办理中"
    REPLIED = "replied", "已答复待回访"
    REVIEW = "review", "复查中"
    REEXAM = "reexam", "复核中"
    CLOSED = "closed", "已办结"


OPEN_STATUSES = [s for s in Status if s != Status.CLOSED]


class ClosureKind(models.TextChoices):
    ANSWERED = "answered", "即时答复办结"
    HANDLED = "handled", "办理答复后办结"
    GUIDED = "guided", "引导至法定途径"
    NOT_ACCEPTED = "not_accepted", "不予受理"
    MERGED = "merged", "并案（并入原事项）"  # daiban.repeats: a repeat merged into its earlier matter


class NotAcceptedReason(models.TextChoices):
    NOT_PETITION = "not_petition", "不属于信访事项"
    ALREADY_REEXAMINED = "already_reexamined", "已复核，同一事实和理由不再受理"
    OTHER_ORGAN = "other_organ", "应向其他机关提出"
    OTHER = "other", "其他"


class LegalChannel(models.TextChoices):
    LITIGATION = "litigation", "诉讼"
    ARBITRATION = "arbitration", "仲裁"
    RECONSIDERATION = "reconsideration", "行政复议"
    LABOUR_ARBITRATION = "labour_arbitration", "劳动人事争议仲裁"
    PEOPLES_MEDIATION = "peoples_mediation", "人民调解"
    OTHER = "other", "其他法定途径"


class TaskRole(models.TextChoices):
    LEAD = "lead", "主办"
    CO = "co", "协办"


class TaskStatus(models.TextChoices):
    ASSIGNED = "assigned", "待受理"
    ACCEPTED = "accepted", "办理中"
    PART_SUBMITTED = "part_submitted", "已报送协办意见"
    # 异议 waiting for the routing level's decision (art. 23: effective only once it agrees); the task is
    # still the unit's (it may accept, withdrawing the objection) and its clocks run on.
    OBJECTION_PENDING = "objecting", "已提出异议，待交办机构决定"
    OBJECTED = "objected", "异议成立，已退回"
    DONE = "done", "已办结"
    WITHDRAWN = "withdrawn", "已撤回"


ACTIVE_TASK_STATUSES = [
    TaskStatus.ASSIGNED,
    TaskStatus.OBJECTION_PENDING,
    TaskStatus.ACCEPTED,
    TaskStatus.PART_SUBMITTED,
    TaskStatus.DONE,
]


class Outcome(models.TextChoices):
    SUPPORT = "support", "支持"
    EXPLAIN = "explain", "解释说明"
    NOT_SUPPORT = "not_support", "不予支持"


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    BASICALLY = "basically", "基本满意"
    DISSATISFIED = "dissatisfied", "不满意"


class ContactMethod(models.TextChoices):
    IN_PERSON = "in_person", "当面"
    PHONE = "phone", "电话"
    WRITTEN = "written", "书面"
    SMS = "sms", "短信"
    VISIT = "visit", "上门"


class ServiceManner(models.TextChoices):
    """How a written reply reached the petitioner (送达方式); the review window opens on that day."""

    DIRECT = "direct", "直接送达"
    MAIL = "mail", "邮寄送达"
    SMS_WITH_COPY = "sms_copy", "短信告知并送达书面文书"
    ELECTRONIC = "electronic", "电子送达"
    LEFT = "left", "留置送达"
    ENTRUSTED = "entrusted", "委托送达"
    PUBLIC = "public", "公告送达"


class ReviewKind(models.TextChoices):
    REVIEW = "review", "复查"
    REEXAM = "reexam", "复核"


class Step(models.TextChoices):
    """Clock keys; each names a TimeLimit in daiban.workcal."""

    ROUTE = "route", "转送交办"
    ACCEPT_NOTICE = "accept_notice", "受理告知"
    OBJECTION = "objection", "异议期"
    HANDLING = "handling", "办理"
    SIMPLIFIED = "simplified", "简易办理"  # instead of HANDLING for a matter handled simply (简易办理)
    FOLLOW_UP = "follow_up", "反馈回访"
    REVIEW_HANDLING = "review_handling", "复查办理"
    REEXAM_HANDLING = "reexam_handling", "复核办理"


class EventKind(models.TextChoices):
    """What happened to a matter. Each value is the key of one action in ``daiban.matters.workflow``
    (its URL slug, its button and its service), so one action has one name everywhere."""

    INTAKE = "intake", "受理登记"
    REPEAT_VISIT = "repeat_visit", "重复来访"
    ATTACH = "attach", "上传附件"
    ANSWER = "answer", "即时答复办结"
    START_LOCAL = "start_local", "就地办理"
    ESCALATE = "escalate", "上报上一级"
    HAND_DOWN = "hand_down", "交由下级办理"
    GUIDE_LEGAL = "guide_legal", "引导依法解决"
    NOT_ACCEPT = "not_accept", "不予受理"
    ROUTE = "route", "交办事权单位"
    OBJECT = "object", "提出异议"
    OBJECTION_AGREE = "objection_agree", "同意异议"
    OBJECTION_REFUSE = "objection_refuse", "不同意异议"
    ACCEPT = "accept", "受理交办"
    SUBMIT_PART = "submit_part", "报送协办意见"
    MEDIATE = "mediate", "记录调解"
    EXTEND = "extend", "申请延期"
    REPLY = "reply", "出具处理意见书"
    REPLY_LOCAL = "reply_local", "就地办理答复"
    FEEDBACK = "feedback", "反馈办理结果"
    FOLLOW_UP = "follow_up", "回访"
    CLOSE = "close", "办结"
    REQUEST_REVIEW = "request_review", "登记复查（复核）申请"
    HEARING = "hearing", "记录听证"
    DECIDE_REVIEW = "decide_review", "出具复查（复核）意见书"
    ASSIGN_LEADERS = "assign_leaders", "确定包案领导"
    RECUSE = "recuse", "申请回避"
    PRESS = "press", "催办 / 督办"
    SERVE = "serve", "登记送达"
    REISSUE_CODE = "reissue_code", "重新生成查询码"
    # A matter brought in from an office's Excel ledger (台账) by daiban.exchange: its first event.
    IMPORT = "import", "台账导入"
    # Registered by the apps built around matters (``workflow.OUTER_KINDS``).
    URGENT_MARK = "urgent_mark", "标记重大紧急"  # daiban.urgent (art. 25)
    URGENT_DOWNGRADE = "urgent_downgrade", "解除重大紧急"  # daiban.urgent
    HEARING_RECORD = "hearing_record", "听证记录"  # daiban.hearings (arts. 31(6), 36)
    SUPPORT_ITEMS = "support_items", "列明支持事项"  # daiban.execution (art. 32)
    EXECUTION = "execution", "登记落实情况"  # daiban.execution (arts. 32, 42(4))
    ASSISTANCE_REFERRAL = "assistance_referral", "转介救助"  # daiban.assistance (art. 37)
    ASSISTANCE_OUTCOME = "assistance_outcome", "登记救助结果"  # daiban.assistance
    CADRE_NOTICE = "cadre_notice", "通报组织（人事）部门"  # daiban.cadres (art. 30)
    CORRECTION_ORDER = "correction_order", "责令改正"  # daiban.accountability (arts. 43–45)
    REPEAT_LINK = "repeat_link", "确认为重复信访"  # daiban.repeats (art. 19), on the later matter
    MERGE = "merge", "并入原事项"  # daiban.repeats (并案), on the matter merged
    MERGE_RECEIVE = "merge_receive", "并入事项"  # daiban.repeats (并案), on the matter merged into
