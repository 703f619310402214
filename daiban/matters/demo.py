"""The living demo (演示事项): a few hundred proxy matters on the Hohhot demo network, in every state.

Every matter is made by the domain actions of ``daiban.matters.actions`` on a frozen, backdated clock
(``daiban.core.clock.frozen``), never by writing matter rows, so every timeline, number and deadline is
what the system itself would have recorded at the time.

How it works:

1. **Plan** (no matter is touched): from ``random.Random(seed)`` and ``today``, each matter gets a
   scenario (the state it should end in), a desk that takes it in (a village point, a township station or
   a county centre, with its demo account), a place, a topic with realistic text, petitioners with valid
   ID and mobile numbers, and a list of steps with the gaps between them (hours to days, inside the
   statutory windows). The steps are then placed on working days in office hours and shifted so that the
   state-defining step lands where the scenario needs it relative to ``today`` (e.g. a handling clock that
   ran out 10–20 days ago), and every step lies before ``today``.
2. **Run**: the steps of all matters are merged and run in time order, each inside ``clock.frozen(at)``,
   so matter numbers follow intake order and the repeat-visit rule (art. 19) sees the world as it was.

Actors are the network loader's demo accounts where they exist. Elsewhere accounts are created on demand, as
the loader creates its own (shared demo password): a centre, a station and a point account in each other
district, and one handler for each responsible unit that gets a task. The demo network gives the city
bureaus no superior organ, so no re-examination (复核) could be filed; ``Cast`` adds 呼和浩特市人民政府 as
the superior of the city's administrative bureaus (art. 36) — this belongs in the network loader.

Deterministic: the same ``seed`` and ``today`` give the same matters (numbers, states, texts, people,
timelines). Only the petitioners' lookup codes differ between loads: the intake action draws them from
``secrets`` on purpose. Idempotent: nothing happens if any matter exists.
"""

from __future__ import annotations

import datetime
import heapq
import random
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction

from daiban.accounts.models import AGENT_ROLES, Role, User
from daiban.core import clock
from daiban.matters import actions
from daiban.matters.choices import (
    ANSWERABLE_AT_ONCE,
    Category,
    Channel,
    ClosureKind,
    ContactMethod,
    LegalChannel,
    NotAcceptedReason,
    Outcome,
    PetitionerGroup,
    Purpose,
    ReviewKind,
    Satisfaction,
    Status,
)
from daiban.matters.models import Matter, UnitTask
from daiban.matters.petitioners import PetitionerInput
from daiban.network.demo import DEMO_PASSWORD
from daiban.network.models import Agent, ResponsibleUnit, ServiceOrganization, UnitDomain
from daiban.pii.validators import id_check_character
from daiban.regions.models import Level, Region, subtree_q
from daiban.workcal import calendar as workcal

DEFAULT_COUNT = 300
DEFAULT_SEED = 2026
HISTORY_DAYS = 300  # intakes spread over the ten months before today
TZ = ZoneInfo(settings.TIME_ZONE)
OPENS, CLOSES = 8 * 60 + 40, 17 * 60 + 20  # office hours, minutes after midnight

CITY_CODE = "150100"
XINCHENG, TUOXIAN = "150102", "150122"
# Where the demo accounts are, most matters are; every other district still gets some.
DISTRICT_WEIGHTS: dict[str, float] = {
    XINCHENG: 42,
    TUOXIAN: 24,
    "150103": 4.5,
    "150104": 4,
    "150105": 5,
    "150121": 5,
    "150123": 4,
    "150124": 3.5,
    "150125": 3.5,
    "150172": 2.5,
}
# Account name prefixes of the districts (as the network loader's demo accounts: xinchengqu_zhongxin ...).
DISTRICT_SLUGS = {
    XINCHENG: "xinchengqu",
    "150103": "huiminqu",
    "150104": "yuquanqu",
    "150105": "saihanqu",
    "150121": "tuzuoqi",
    TUOXIAN: "tuoxian",
    "150123": "helin",
    "150124": "qingshuihe",
    "150125": "wuchuan",
    "150172": "jingkaiqu",
}
DOMAIN_SLUGS = {
    UnitDomain.HOUSING: "zhujian",
    UnitDomain.HR_SOCIAL: "renshe",
    UnitDomain.NATURAL_RESOURCES: "ziran",
    UnitDomain.AGRICULTURE: "nongmu",
    UnitDomain.PUBLIC_SECURITY: "gongan",
    UnitDomain.JUSTICE: "sifa",
    UnitDomain.COURT: "fayuan",
    UnitDomain.DISCIPLINE: "jiwei",
    UnitDomain.EDUCATION: "jiaoyu",
    UnitDomain.HEALTH: "weijian",
    UnitDomain.CIVIL_AFFAIRS: "minzheng",
    UnitDomain.MARKET: "shijian",
    UnitDomain.ENVIRONMENT: "huanjing",
    UnitDomain.TRANSPORT: "jiaotong",
    UnitDomain.WATER: "shuiwu",
    UnitDomain.PETITION: "xinfang",
    UnitDomain.OTHER: "qita",
}
# The organ that re-examines (复核) what a city bureau reviewed (复查): the city government (art. 36).
CITY_GOVERNMENT = "呼和浩特市人民政府"
# City bodies whose superior is not the city government (they answer to the region's organs).
NOT_UNDER_CITY_GOVERNMENT = {UnitDomain.COURT, UnitDomain.DISCIPLINE, UnitDomain.PETITION}


class DemoNetworkMissing(RuntimeError):
    """The demo network (regions, units, demo accounts) must be loaded first."""


# ================================================================================================ words


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


SURNAMES = _words(
    "王 李 张 刘 杨 赵 高 郭 马 王 李 张 刘 陈 孙 田 韩 郝 武 白 贾 乔 侯 周 吴 徐 任 杜 梁 苏 康 冯"
    " 云 郑 段 薛 曹 宋 许 范 魏 樊 胡 朱 何 罗 程 吕 崔 石 贺 邢 温 姚 秦 安 史 孟 尹 常 牛 霍 闫"
)
GIVEN_MALE = _words(
    "建 国 华 军 平 强 伟 明 永 志 海 林 文 峰 俊 杰 磊 涛 鹏 飞 宇 浩 亮 宏 刚 波 斌 旭 东 利 忠 德 福"
    " 贵 生 山 新 立 振 彦 茂 喜 全 胜 勇 辉 达 卫 民 成 树 光 宝 庆 义 祥 瑞 鑫 晨 二 虎 栓 锁 润"
)
GIVEN_FEMALE = _words(
    "秀 英 兰 玉 丽 芳 红 霞 桂 燕 梅 静 娟 敏 春 凤 金 荣 晓 慧 婷 琳 欣 悦 佳 雪 云 翠 萍 艳 莉 娜 宁"
    " 月 玲 彩 青 琴 华 淑 美 丹 颖 洁 蓉 媛 花 改 润"
)
MONGOLIAN_NAMES = _words(
    "巴特尔 乌云 其木格 萨仁 娜仁 图雅 宝音 额尔敦 格日勒 苏和 阿拉坦 斯琴 乌兰 托娅 哈斯 朝鲁 那顺 孟和 巴图"
)
MONGOLIAN_FEMALE = {"乌云", "其木格", "萨仁", "娜仁", "图雅", "斯琴", "乌兰", "托娅", "哈斯"}

POOLS: dict[str, tuple[str, ...]] = {
    "builder": (
        "鑫盛建筑工程有限公司",
        "恒通建设集团有限公司",
        "华宇劳务有限公司",
        "青城路桥工程有限公司",
        "金盛源建筑安装有限公司",
        "塞北建工有限公司",
    ),
    "project": (
        "城中村改造安置房",
        "学校教学楼扩建",
        "市政道路改造",
        "物流园仓储库房",
        "商住小区二期",
        "污水管网改造",
        "乡村振兴示范村建设",
    ),
    "property_co": (
        "华泰物业服务有限公司",
        "安居物业管理有限公司",
        "盛世家园物业公司",
        "青城物业服务中心",
        "康泰物业管理有限公司",
    ),
    "heat_co": ("城发供热公司", "富泰热力公司", "北方热电供热分公司"),
    "company": ("原第二毛纺厂", "原市糖厂", "原机械修造厂", "原农机公司", "原针织厂", "原粮食局下属面粉厂"),
    "factory": ("石料加工厂", "砖厂", "养殖场", "化工建材厂", "废旧塑料回收点", "洗煤厂"),
    "shop": ("健身房", "美发店", "教育培训机构", "洗车店", "烧烤店", "KTV"),
    "hospital": ("区人民医院", "县医院", "市第一医院", "某民营医院", "乡镇卫生院"),
    "relative": ("父亲", "母亲", "妻子", "丈夫", "儿子", "女儿"),
    "med_event": (
        "术后出现感染，二次手术后仍留有后遗症",
        "因用药不当导致病情加重",
        "检查未能及时发现骨折，延误治疗",
        "分娩过程中新生儿受到损伤",
    ),
    "hardship": (
        "丈夫患尿毒症常年透析",
        "本人残疾无劳动能力",
        "独自抚养两个上学的孩子",
        "老两口年老多病，无子女赡养",
        "儿子因车祸瘫痪在床",
    ),
    "reno_problem": (
        "楼顶防水层施工后仍然漏雨",
        "外墙保温层大面积脱落",
        "楼道管线改造后未恢复，雨天漏水",
        "更换的供暖管道接口渗水",
        "拆除的自行车棚一直未重建",
    ),
    "noise_source": ("地铁施工工地", "商业综合体工地", "道路改造工地", "物流配送站"),
    "neighbour_cause": (
        "楼上卫生间漏水",
        "排水沟堵塞",
        "院墙滴水",
        "车辆停放占道",
        "饲养犬只扰民",
        "楼道堆放杂物",
        "房前栽树遮挡采光",
    ),
    "cadre": ("村委会主任", "村会计", "村民小组长", "社区工作人员", "村党支部委员"),
    "service": ("宅基地审批", "危房改造补助申请", "营业执照变更", "残疾人补贴申请"),
    "amount": ("8600", "12400", "23000", "36500", "48000", "5700", "15800"),
    "big_amount": ("18", "26", "35", "42", "57", "63"),
    "meters": ("0.5", "0.8", "1.2", "1.5", "2"),
    "mu": ("4.5", "6", "8", "11", "15", "20"),
    "temp": ("12", "13", "14", "15", "16"),
    "fee_old": ("0.8", "1.0", "1.2"),
    "fee_new": ("1.5", "1.8", "2.0"),
}

PARTICIPANTS_UNIT = "信访人、{party}、{unit}、{town}代办站"
PARTICIPANTS_LOCAL = "信访人、{party}、{place}代办员、人民调解员"


@dataclass(frozen=True)
class Topic:
    """What a matter is about: where it goes and what the documents say. ``{...}`` are filled from POOLS
    and the matter (place, town, county, who, n, year, m1, m2, years)."""

    key: str
    category: str
    purpose: str
    domain: str  # the lead unit's domain
    titles: tuple[str, ...]
    contents: tuple[str, ...]
    requests: tuple[str, ...]
    facts: str = ""
    support: str = ""
    explain: str = ""
    not_support: str = ""
    basis: str = ""
    co: tuple[str, ...] = ()  # co-units that may be asked to help
    wrong: str = ""  # a unit it is plausibly first sent to by mistake (it objects)
    objection: str = ""
    where: str = "any"  # urban (社区) / rural (村, 嘎查) / any
    group: str = PetitionerGroup.RESIDENT
    group_contents: tuple[str, ...] = ()  # when 5 or more people come together
    local_ok: bool = False  # can be solved at the village or township
    party: str = ""  # the other side in a mediation
    terms: str = ""
    manner: str = ""
    legal: str = ""  # a LegalChannel it may be guided to
    guidance: str = ""
    answer: str = ""  # answered at once (咨询、求助、建议)
    refuse: str = ""  # a NotAcceptedReason
    refusal: str = ""


TOPICS: tuple[Topic, ...] = (
    Topic(
        key="wage",
        category=Category.LABOUR,
        purpose=Purpose.APPEAL,
        domain=UnitDomain.HR_SOCIAL,
        titles=("拖欠农民工工资", "{project}项目拖欠务工人员工资", "工程完工后劳务费未结清"),
        contents=(
            "{who}在{builder}承建的{project}项目务工，{year}年{m1}月至{m2}月的工资约{amount}元至今未发放，"
            "多次找包工头和项目部协商无果。",
            "{who}跟随包工头在{project}工地干活，工程已经完工，劳务费{amount}元迟迟不结，包工头称总包单位"
            "未拨付工程款。",
        ),
        group_contents=(
            "{who}等{n}名务工人员在{builder}承建的{project}项目务工，{year}年{m1}月至{m2}月工资合计约"
            "{big_amount}万元未发放，临近年关，大家生活困难。",
        ),
        requests=("请督促施工单位尽快足额支付拖欠工资。", "请帮助追讨拖欠的劳务费。"),
        facts="经核查，{builder}在{project}项目中拖欠务工人员工资属实，系总承包单位未按月足额拨付人工费用所致。",
        support="施工总承包单位对所承包工程的农民工工资支付负总责，已责令其限期足额支付，并约谈项目负责人。",
        explain="部分工资已由分包单位发放，剩余款项涉及工程量结算争议，已告知信访人可持用工凭证申请劳动仲裁。",
        not_support="信访人主张的部分款项系个人借款，不属于劳动报酬；工资部分经核对已结清。",
        basis="《保障农民工工资支付条例》第二十九条、第三十条",
        co=(UnitDomain.HOUSING,),
        wrong=UnitDomain.HOUSING,
        objection="该事项系劳动报酬争议，依法由人力资源社会保障部门查处，不属于本单位职责。",
        group=PetitionerGroup.MIGRANT_WORKER,
        party="{builder}项目负责人",
        terms="{builder}于协议签订后十五日内支付拖欠工资，由人社部门监督发放到人",
        manner="银行转账至务工人员本人账户",
        legal=LegalChannel.LABOUR_ARBITRATION,
        guidance="该事项属于劳动报酬争议，已告知信访人向劳动人事争议仲裁委员会申请仲裁，并协助准备考勤记录和工资欠条。",
    ),
    Topic(
        key="homestead",
        category=Category.AGRICULTURE,
        purpose=Purpose.APPEAL,
        domain=UnitDomain.NATURAL_RESOURCES,
        titles=("宅基地界址纠纷", "邻居翻建房屋占用宅基地"),
        contents=(
            "{who}与邻居因宅基地界址发生争议，对方翻建房屋时院墙向{who}一侧延伸约{meters}米，双方多次发生争吵。",
            "{who}家的老宅基地长期闲置，近期被同村村民堆放杂物并准备盖房，双方对宅基地归属各执一词。",
        ),
        requests=("请依据原宅基地使用证明确四至界限，恢复原状。",),
        facts="经现场勘查并调取宅基地档案，双方宅基地四至登记清楚，争议部分位于信访人宅基地范围内。",
        support="争议部分属信访人依法取得的宅基地，对方应当拆除越界建筑、恢复原状。",
        explain="争议地块属村集体所有，未确权给任何一方，已由镇村两级组织双方协商使用。",
        not_support="经调取档案，争议地块早年已依法确权给对方，信访人的主张缺乏依据。",
        basis="《中华人民共和国土地管理法》第六十二条、《中华人民共和国民法典》第三百六十二条",
        co=(UnitDomain.AGRICULTURE,),
        wrong=UnitDomain.HOUSING,
        objection="该事项系农村宅基地权属争议，应由自然资源部门会同乡镇人民政府处理，不属于本单位职责。",
        where="rural",
        group=PetitionerGroup.VILLAGER,
        local_ok=True,
        party="相邻村民",
        terms="双方以宅基地使用证载明的四至为界，对方于三十日内拆除越界院墙并恢复原状",
        manner="当事人自行拆除，村委会现场验收",
        legal=LegalChannel.LITIGATION,
        guidance="该事项属于土地权属争议，已告知信访人可申请人民政府确权处理，对处理决定不服的可依法提起行政诉讼。",
    ),
    Topic(
        key="land_comp",
        category=Category.LAND,
        purpose=Purpose.APPEAL,
        domain=UnitDomain.NATURAL_RESOURCES,
        titles=("征地补偿款未足额兑付", "{project}征地青苗补偿问题"),
        contents=("{who}家的{mu}亩承包地于{year}年被征收用于{project}，地上附着物和青苗补偿款至今未兑付。",),
        group_contents=(
            "{who}等{n}户村民的承包地于{year}年被征收用于{project}，约定的青苗补偿款和地上附着物补偿款"
            "至今未足额兑付，村民多次到镇里反映。",
        ),
        requests=("请核实征收补偿标准，尽快足额兑付补偿款。",),
        facts="经核查征地档案和补偿台账，该项目补偿安置方案已经批复，部分地上附着物补偿款尚未拨付到户。",
        support="补偿款应依法及时足额支付，已协调用地单位在三十日内拨付到户。",
        explain="补偿标准符合自治区公布的征地区片综合地价，未拨付部分系权属争议待确认，确认后即行拨付。",
        not_support="信访人主张的补偿标准高于依法公布的区片综合地价，不予支持。",
        basis="《中华人民共和国土地管理法》第四十八条",
        co=(UnitDomain.AGRICULTURE,),
        where="rural",
        group=PetitionerGroup.VILLAGER,
    ),
    Topic(
        key="property",
        category=Category.URBAN_CONSTRUCTION,
        purpose=Purpose.APPEAL,
        domain=UnitDomain.HOUSING,
        titles=("物业服务不到位", "小区电梯长期故障无人维修", "物业公司擅自上调物业费"),
        contents=(
            "{place}{building}号楼电梯频繁故障、楼道照明损坏，{property_co}收取物业费后长期不维修，"
            "业主与物业矛盾激化。",
            "{property_co}未经业主大会同意将物业费由每平方米{fee_old}元上调至{fee_new}元，业主拒交后物业"
            "停止了保洁服务。",
        ),
        group_contents=(
            "{who}等{n}户业主反映：{place}{building}号楼电梯频繁停运，{property_co}以维修资金不足为由"
            "拖延维修，老人上下楼十分困难。",
        ),
        requests=("请督促物业公司履行合同义务，及时维修电梯和公共设施。", "请依法规范物业收费。"),
        facts="经现场核查，{property_co}对电梯等共用设施设备维护不及时属实，已约谈物业公司负责人。",
        support="物业服务企业应按合同约定维护共用部位和共用设施设备，已责令限期整改并纳入信用考核。",
        explain="电梯已列入专项维修资金使用计划，需业主依法表决后启动，已指导社区组织表决。",
        not_support="物业收费标准调整已经业主大会依法表决通过，程序合法，不予支持。",
        basis="《物业管理条例》第三十五条、《内蒙古自治区物业管理条例》",
        where="urban",
        local_ok=True,
        party="{property_co}",
        terms="{property_co}于十日内完成电梯维修并恢复楼道照明，业主按约定补交欠缴物业费",
        manner="物业公司组织维修，社区和业主代表验收",
    ),
    Topic(
        key="dibao",
        category=Category.CIVIL_AFFAIRS,
        purpose=Purpose.APPEAL,
        domain=UnitDomain.CIVIL_AFFAIRS,
        titles=("申请最低生活保障未获批准", "低保被取消要求重新审核"),
        contents=(
            "{who}家中{hardship}，家庭收入微薄，去年申请最低生活保障未获批准，不清楚具体原因。",
            "{who}享受低保多年，今年复核时被取消，本人认为家庭经济状况没有变化。",
        ),
        requests=("请重新审核家庭经济状况，符合条件的纳入低保。",),
        facts="经入户调查并开展家庭经济状况信息核对，信访人家庭成员、收入和财产情况已核实清楚。",
        support="信访人家庭人均收入低于当地低保标准，符合条件，已按程序纳入最低生活保障。",
        explain="信访人家庭名下登记有机动车辆，暂不符合低保条件，已告知可申请临时救助。",
        not_support="经核对，信访人家庭人均收入高于当地低保标准，不符合最低生活保障条件。",
        basis="《社会救助暂行办法》第九条、第十一条",
        wrong=UnitDomain.HR_SOCIAL,
        objection="最低生活保障的审核确认由民政部门负责，不属于本单位职责。",
    ),
    Topic(
        key="noise",
        category=Category.ENVIRONMENT,
        purpose=Purpose.APPEAL,
        domain=UnitDomain.ENVIRONMENT,
        titles=("夜间施工噪音扰民", "临街商铺噪音扰民"),
        contents=(
            "{place}附近{noise_source}经常施工到深夜，噪音很大，严重影响周边居民休息。",
            "{place}临街一家{shop}每天播放大音量音乐招揽顾客，晚上十点后仍不停止，居民多次劝说无效。",
        ),
        requests=("请依法查处噪音扰民行为。",),
        facts="经执法人员夜间现场监测，噪声排放超过规定的排放限值属实。",
        support="已依法责令噪声源单位停止夜间作业、限时经营，并对违法行为立案查处。",
        explain="经监测噪声未超过标准限值，已督促经营者调整经营时间、降低音量，并加强巡查。",
        not_support="该工地夜间施工已依法办理夜间施工证明，属于必要的连续作业，不予支持。",
        basis="《中华人民共和国噪声污染防治法》第四十三条、第六十五条",
        co=(UnitDomain.PUBLIC_SECURITY,),
        where="urban",
        local_ok=True,
        party="经营者",
        terms="经营者每日二十二时后停止播放音乐，门店音响音量控制在规定范围内",
        manner="经营者自行整改，社区网格员不定期巡查",
    ),
    Topic(
        key="renovation",
        category=Category.URBAN_CONSTRUCTION,
        purpose=Purpose.APPEAL,
        domain=UnitDomain.HOUSING,
        titles=("老旧小区改造遗留问题", "老旧小区改造施工质量问题"),
        contents=("{place}{building}号楼在老旧小区改造中{reno_problem}，施工方撤场后至今无人处理。",),
        group_contents=(
            "{who}等{n}户居民反映：{place}{building}号楼老旧小区改造中{reno_problem}，多次找施工方未果。",
        ),
        requests=("请明确责任单位，尽快整改到位。",),
        facts="经现场查勘，改造工程存在的问题属实，属施工质量保修范围。",
        support="已责令施工单位在保修期内限期返修，由街道和业主代表共同验收。",
        explain="问题部位不在本次改造范围内，已纳入下一批次改造计划，并先行做临时处理。",
        not_support="经查勘，问题系住户自行装修所致，不属于改造工程质量问题。",
        basis="《建设工程质量管理条例》第四十一条",
        where="urban",
        party="施工单位",
        terms="施工单位于三十日内完成返修，社区和业主代表共同验收",
        manner="施工单位返修，住建局监督验收",
    ),
    Topic(
        key="medical",
        category=Category.HEALTH,
        purpose=Purpose.APPEAL,
        domain=UnitDomain.HEALTH,
        titles=("医疗纠纷赔偿问题",),
        contents=(
            "{who}的{relative}在{hospital}住院治疗期间{med_event}，家属认为医院存在诊疗过错，与院方协商"
            "赔偿未果。",
        ),
        requests=("请卫健部门调查处理，督促医院依法赔偿。",),
        facts="经调取病历资料并组织专家评议，医院在诊疗过程中存在告知不充分的问题。",
        support="已责令医院整改，医患双方在医疗纠纷人民调解委员会主持下达成赔偿协议。",
        explain="诊疗行为是否存在过错需经医疗损害鉴定确定，已告知信访人申请医疗纠纷人民调解或依法提起诉讼。",
        not_support="经专家评议，医院诊疗行为符合诊疗规范，患者病情变化属疾病自然转归。",
        basis="《医疗纠纷预防和处理条例》第二十二条",
        party="医院代表",
        terms="医院一次性给予补偿，双方就本次诊疗纠纷不再另行主张",
        manner="医院于十五日内转账支付",
        legal=LegalChannel.PEOPLES_MEDIATION,
        guidance="该事项属于医疗损害赔偿争议，已告知信访人可申请医疗纠纷人民调解委员会调解，或向人民法院提起诉讼。",
    ),
    Topic(
        key="school",
        category=Category.EDUCATION,
        purpose=Purpose.APPEAL,
        domain=UnitDomain.EDUCATION,
        titles=("随迁子女就近入学问题", "孩子入学被安排到较远学校"),
        contents=(
            "{who}一家在{place}租房居住{years}年，孩子今年适龄入学，按片区划分被安排到较远的学校，上学不便。",
        ),
        requests=("请协调就近入学。",),
        facts="经核实，信访人居住证和社保缴纳情况符合随迁子女入学条件，所在片区学校学位紧张。",
        support="已协调片区内学校调剂学位，安排其子女就近入学。",
        explain="片区学校学位已满，已按统筹安排入学，并协调开通校车解决接送问题。",
        not_support="信访人未能提供连续居住证明，不符合片区入学条件，已按统筹安排入学。",
        basis="《中华人民共和国义务教育法》第十二条",
        where="urban",
    ),
    Topic(
        key="pollution",
        category=Category.ENVIRONMENT,
        purpose=Purpose.APPEAL,
        domain=UnitDomain.ENVIRONMENT,
        titles=("企业排污影响村民生活", "{factory}粉尘和异味扰民"),
        contents=(
            "{place}附近的{factory}长期排放刺鼻气味和粉尘，雨天污水流入农田，村民担心影响健康和庄稼。",
        ),
        group_contents=("{who}等{n}名村民反映：{place}附近的{factory}夜间偷排废水，农田和水井受到污染。",),
        requests=("请环保部门检测并责令企业整改。",),
        facts="经现场检查和采样监测，企业废气处理设施运行不正常，部分指标超标。",
        support="已依法责令企业停产整改并处以罚款，整改完成并监测达标后方可恢复生产。",
        explain="经监测企业排放达标，异味系原料堆场管理不善所致，已责令封闭堆场。",
        not_support="经多次监测，企业各项排放指标均符合标准。",
        basis="《中华人民共和国大气污染防治法》第九十九条、《中华人民共和国水污染防治法》第八十三条",
        where="rural",
        group=PetitionerGroup.VILLAGER,
        wrong=UnitDomain.AGRICULTURE,
        objection="企业污染物排放的监管由生态环境部门负责，不属于本单位职责。",
    ),
    Topic(
        key="pension",
        category=Category.LABOUR,
        purpose=Purpose.APPEAL,
        domain=UnitDomain.HR_SOCIAL,
        titles=("养老保险缴费年限认定问题",),
        contents=("{who}原系{company}职工，企业改制后有{years}年养老保险缴费记录缺失，影响退休待遇核定。",),
        requests=("请核实补录缴费年限，重新核定养老金。",),
        facts="经调取企业职工档案和社会保险缴费记录，信访人该期间工作经历有档案记载。",
        support="符合视同缴费年限认定条件，已补录缴费年限并重新核定养老金。",
        explain="该期间缴费需由原企业清算组补缴，已督促清算组办理，并告知信访人办理进度。",
        not_support="信访人档案中无该期间招工、工资的原始记载，无法认定视同缴费年限。",
        basis="《中华人民共和国社会保险法》第十六条",
        group=PetitionerGroup.RETIREE,
    ),
    Topic(
        key="heating",
        category=Category.URBAN_CONSTRUCTION,
        purpose=Purpose.APPEAL,
        domain=UnitDomain.HOUSING,
        titles=("冬季供暖温度不达标",),
        contents=(
            "{place}{building}号楼入冬以来室温长期在{temp}度左右，低于规定标准，多次向{heat_co}反映未解决。",
        ),
        group_contents=(
            "{who}等{n}户居民反映：{place}{building}号楼整个单元室温只有{temp}度左右，{heat_co}多次上门"
            "放气仍不见效。",
        ),
        requests=("请督促供热企业排查管网，保证室温达标，并按规定退还部分采暖费。",),
        facts="经供热监管人员入户测温，室内温度低于18℃属实，系单元供热管网堵塞所致。",
        support="已责令供热企业清洗管网，复测达标，并按规定退还不达标期间的部分采暖费。",
        explain="室温偏低系户内暖气片私自改装所致，供热企业已协助整改，复测达标。",
        not_support="经多次入户测温，室内温度符合供热标准。",
        basis="《呼和浩特市城市供热管理办法》",
        where="urban",
        wrong=UnitDomain.MARKET,
        objection="城市供热质量监管由住房和城乡建设部门负责，不属于本单位职责。",
    ),
    Topic(
        key="contract_land",
        category=Category.AGRICULTURE,
        purpose=Purpose.APPEAL,
        domain=UnitDomain.AGRICULTURE,
        titles=("承包地被调整给他人耕种",),
        contents=("{who}家的{mu}亩承包地在二轮延包时被村集体调整给他人耕种，本人外出务工返乡后无地可种。",),
        requests=("请依法恢复承包经营权。",),
        facts="经调取土地承包合同和经营权证，信访人家庭承包地登记清楚。",
        support="承包期内发包方不得调整承包地，已责令村集体将土地交还信访人耕种。",
        explain="调整系经村民会议三分之二以上成员同意并报批，已协调为信访人另行安排机动地。",
        not_support="信访人家庭已全家迁入城镇并自愿交回承包地，其主张缺乏依据。",
        basis="《中华人民共和国农村土地承包法》第二十八条",
        where="rural",
        group=PetitionerGroup.VILLAGER,
        local_ok=True,
        party="村集体经济组织",
        terms="村集体于本年度收回调整的土地交还信访人耕种，对方当年种植收益归对方所有",
        manner="村委会现场指界交付",
        legal=LegalChannel.ARBITRATION,
        guidance="该事项属于土地承包经营纠纷，已告知信访人向农村土地承包仲裁委员会申请仲裁。",
    ),
    Topic(
        key="water",
        category=Category.AGRICULTURE,
        purpose=Purpose.APPEAL,
        domain=UnitDomain.WATER,
        titles=("农村饮水不安全", "村里自来水经常停水"),
        contents=("{place}自来水经常停水，水质浑浊发黄，村民只能到邻村拉水。",),
        group_contents=("{who}等{n}户村民反映：{place}自来水入冬后管道冻裂，已停水一个多月。",),
        requests=("请维修供水设施，保障安全饮水。",),
        facts="经现场检查，村级供水管网老化、过滤设施损坏属实。",
        support="已安排农村饮水安全维修资金更换管网和过滤设备，恢复正常供水。",
        explain="管网改造已列入明年农村供水工程计划，施工前安排送水车定时送水。",
        not_support="停水系村民私接管道造成，已责令拆除私接管道。",
        basis="《内蒙古自治区农村牧区饮用水供水条例》",
        where="rural",
        group=PetitionerGroup.VILLAGER,
    ),
    Topic(
        key="illegal_build",
        category=Category.URBAN_CONSTRUCTION,
        purpose=Purpose.APPEAL,
        domain=UnitDomain.HOUSING,
        titles=("一楼住户私搭乱建", "违章建筑占用公共绿地"),
        contents=(
            "{place}{building}号楼一楼住户私自扩建院落并搭建彩钢房，占用公共绿地，影响其他住户通行和采光。",
        ),
        requests=("请依法拆除违章建筑。",),
        facts="经现场核查，该住户未经规划许可搭建彩钢房属实。",
        support="已依法下达限期拆除决定书，当事人已自行拆除。",
        explain="该建筑已纳入违法建设台账，将按计划依法拆除。",
        not_support="该建筑系原有附属用房，已办理相关手续，不属于违法建设。",
        basis="《中华人民共和国城乡规划法》第六十四条",
        co=(UnitDomain.NATURAL_RESOURCES,),
        where="urban",
        local_ok=True,
        party="一楼住户",
        terms="一楼住户于十五日内自行拆除彩钢房，恢复绿地",
        manner="当事人自行拆除，社区验收",
    ),
    Topic(
        key="prepaid",
        category=Category.ECONOMY,
        purpose=Purpose.APPEAL,
        domain=UnitDomain.MARKET,
        titles=("预付卡商家闭店无法退款",),
        contents=("{who}在一家{shop}办理预付费会员卡，商家突然闭店，卡内余额约{amount}元无法退还。",),
        group_contents=(
            "{who}等{n}名消费者在一家{shop}办理预付卡，商家突然闭店失联，卡内余额合计约{big_amount}万元。",
        ),
        requests=("请市场监管部门协调退款。",),
        facts="经核查，该经营者已停止经营，涉及预付卡消费者多名。",
        support="已约谈经营者，督促其制定退款方案并按期退款。",
        explain="经营者已失联，涉嫌违法部分已移送公安机关，已告知消费者可依法提起诉讼。",
        not_support="信访人与经营者的争议系合同约定的转让条款，已告知通过诉讼途径解决。",
        basis="《中华人民共和国消费者权益保护法》第五十三条",
        where="urban",
        legal=LegalChannel.LITIGATION,
        guidance="该事项属于消费合同纠纷，已告知信访人可向人民法院提起诉讼，并协助联系法律援助。",
    ),
    Topic(
        key="neighbour",
        category=Category.NEIGHBOUR,
        purpose=Purpose.APPEAL,
        domain=UnitDomain.JUSTICE,
        titles=("邻里纠纷", "{neighbour_cause}引发邻里矛盾"),
        contents=("{who}与邻居因{neighbour_cause}发生矛盾，双方多次争吵，关系紧张。",),
        requests=("请帮助协调解决。",),
        facts="经代办员走访双方了解，双方因{neighbour_cause}产生矛盾属实。",
        support="双方在代办员和人民调解员主持下达成一致，矛盾已化解。",
        explain="已向双方讲解相邻关系的法律规定，双方表示互谅互让。",
        not_support="信访人要求对方赔偿的主张缺乏依据，已做好解释说明。",
        basis="《中华人民共和国民法典》第二百八十八条、《中华人民共和国人民调解法》",
        local_ok=True,
        party="邻居",
        terms="双方互谅互让：责任方于十日内修复并承担费用，双方今后友好相处",
        manner="责任方自行修复，代办员回访确认",
    ),
    Topic(
        key="accusation",
        category=Category.DISCIPLINE,
        purpose=Purpose.ACCUSATION,
        domain=UnitDomain.DISCIPLINE,
        titles=("反映村干部在低保评定中优亲厚友", "反映集体资金去向不明", "反映工作人员办事索要好处"),
        contents=(
            "反映{place}{cadre}在{year}年低保评定中将不符合条件的亲属纳入低保，群众意见较大。",
            "反映{place}{cadre}将集体土地租金约{amount}元长期未入账，去向不明。",
            "反映有关部门工作人员在办理{service}时暗示需要“表示”，否则拖延不办。",
        ),
        requests=("请纪检监察机关调查核实，依规依纪处理。",),
        facts="经初步核实，反映的问题部分属实。",
        support="对查实的问题已依规依纪作出处理，并责令退还违规所得、纠正错误做法。",
        explain="反映的问题部分属实，已对相关人员进行批评教育并责令整改，其余问题未发现违纪违法事实。",
        not_support="经核查，反映的问题不属实，已在一定范围内予以澄清。",
        basis="《中华人民共和国监察法》、《中国共产党纪律处分条例》",
    ),
    Topic(
        key="court",
        category=Category.POLITICS_LAW,
        purpose=Purpose.APPEAL,
        domain=UnitDomain.COURT,
        titles=("胜诉判决执行难", "对法院判决不服要求改判"),
        contents=(
            "{who}与他人民间借贷纠纷一案经法院判决胜诉，对方至今未履行还款义务。",
            "{who}对一审民事判决不服，认为法院认定事实错误，要求政府出面改判。",
        ),
        requests=("请帮助尽快执行到位。", "请求重新处理。"),
        legal=LegalChannel.LITIGATION,
        guidance="已告知信访人向作出判决的人民法院申请强制执行（或依法提起上诉、申请再审）。",
        refuse=NotAcceptedReason.OTHER_ORGAN,
        refusal="该事项已经人民法院裁判，属于诉讼程序，应依法向人民法院提出，信访部门不予受理。",
    ),
    Topic(
        key="debt",
        category=Category.OTHER,
        purpose=Purpose.APPEAL,
        domain=UnitDomain.COURT,
        titles=("要求政府帮助追讨个人借款",),
        contents=("{who}借给朋友{amount}元，对方长期拖欠不还，希望政府出面追讨。",),
        requests=("请政府帮忙要回借款。",),
        legal=LegalChannel.LITIGATION,
        guidance="该事项属于民间借贷纠纷，已告知信访人可向人民法院起诉，并介绍法律援助中心。",
        refuse=NotAcceptedReason.NOT_PETITION,
        refusal="个人之间的债务纠纷不属于信访事项，已告知通过诉讼途径解决。",
    ),
    Topic(
        key="dibao_ask",
        category=Category.CIVIL_AFFAIRS,
        purpose=Purpose.CONSULTATION,
        domain=UnitDomain.CIVIL_AFFAIRS,
        titles=("咨询低保申请条件和办理流程",),
        contents=("{who}家中{hardship}，想了解申请最低生活保障需要什么条件、准备哪些材料。",),
        requests=("请告知申请条件和办理流程。",),
        answer="已当面讲解最低生活保障的申请条件、所需材料和审核流程，告知向户籍所在地乡镇（街道）提出申请，"
        "代办员可协助准备材料。",
    ),
    Topic(
        key="school_ask",
        category=Category.EDUCATION,
        purpose=Purpose.CONSULTATION,
        domain=UnitDomain.EDUCATION,
        titles=("咨询子女入学报名材料",),
        contents=("{who}想了解孩子今年上小学需要准备哪些报名材料，户籍不在本地如何办理。",),
        requests=("请告知入学报名要求。",),
        answer="已告知义务教育阶段入学报名时间、所需户口簿和居住证明等材料，以及随迁子女入学的办理途径。",
    ),
    Topic(
        key="insurance_ask",
        category=Category.LABOUR,
        purpose=Purpose.CONSULTATION,
        domain=UnitDomain.HR_SOCIAL,
        titles=("咨询城乡居民医保异地就医报销", "咨询灵活就业人员养老保险缴费"),
        contents=("{who}的{relative}在外地住院，想了解城乡居民医疗保险异地就医备案和报销办法。",),
        requests=("请告知办理流程。",),
        answer="已告知异地就医备案可通过国家医保服务平台办理，并说明报销比例和所需票据。",
    ),
    Topic(
        key="relief",
        category=Category.CIVIL_AFFAIRS,
        purpose=Purpose.HELP,
        domain=UnitDomain.CIVIL_AFFAIRS,
        titles=("因病致困申请临时救助",),
        contents=("{who}家中{hardship}，医疗费用负担沉重，生活暂时困难。",),
        requests=("请给予临时救助。",),
        answer="已协助填写临时救助申请，当场告知审批流程和救助标准，并转乡镇（街道）社会救助经办人员办理。",
    ),
    Topic(
        key="road",
        category=Category.TRANSPORT,
        purpose=Purpose.SUGGESTION,
        domain=UnitDomain.TRANSPORT,
        titles=("建议维修村道并增设路灯",),
        contents=("{place}通往{town}的村道路面破损严重，坑洼多，雨天积水，建议纳入道路维修计划。",),
        requests=("建议尽快维修并增设路灯。",),
        where="rural",
        group=PetitionerGroup.VILLAGER,
        answer="已记录建议并向信访人说明农村公路养护计划的安排，相关意见已转交通运输部门研究。",
    ),
    Topic(
        key="bus",
        category=Category.TRANSPORT,
        purpose=Purpose.SUGGESTION,
        domain=UnitDomain.TRANSPORT,
        titles=("建议增设公交站点",),
        contents=("{place}周边新建小区较多，最近的公交站点步行要二十多分钟，建议增设站点或调整线路。",),
        requests=("建议增设公交站点。",),
        where="urban",
        answer="已记录建议并说明公交线路调整需经客流调查论证，相关意见已转交通运输部门研究答复。",
    ),
)
TOPIC = {t.key: t for t in TOPICS}


# ================================================================================================ people


@dataclass
class People:
    """Unique ID numbers and mobile numbers for the demo's petitioners."""

    today: datetime.date
    ids: set[str] = field(default_factory=set)
    phones: set[str] = field(default_factory=set)

    def name(self, rng: random.Random, male: bool) -> str:
        if rng.random() < 0.05:
            pool = [n for n in MONGOLIAN_NAMES if (n in MONGOLIAN_FEMALE) != male]
            return rng.choice(("", "包", "云", "白")) + rng.choice(pool)
        surname = SURNAMES[int(rng.triangular(0, len(SURNAMES), 0))]
        chars = GIVEN_MALE if male else GIVEN_FEMALE
        given = rng.choice(chars)
        if rng.random() < 0.8:
            given += rng.choice([c for c in chars if c != given])
        return surname + given

    def id_number(
        self, rng: random.Random, county_code: str, born_from: int, born_to: int, male: bool
    ) -> str:
        """A valid 18-digit resident ID (GB 11643): address code, birth date, sequence, check character."""
        # Older residents of the development zone were registered under 土默特左旗.
        address = "150121" if county_code == "150172" else county_code
        latest = self.today.year - 18
        while True:
            year = rng.randint(born_from, min(born_to, latest))
            born = datetime.date(year, rng.randint(1, 12), rng.randint(1, 28))
            sequence = rng.randrange(0, 999)
            if sequence % 2 != int(male):
                sequence += 1
            first17 = f"{address}{born:%Y%m%d}{sequence:03d}"
            number = first17 + id_check_character(first17)
            if number not in self.ids:
                self.ids.add(number)
                return number

    def mobile(self, rng: random.Random) -> str:
        while True:
            prefix = rng.choice(("13", "15", "18"))
            third = rng.choice("0123456789" if prefix != "15" else "012356789")
            number = prefix + third + "".join(rng.choice("0123456789") for _ in range(8))
            if number not in self.phones:
                self.phones.add(number)
                return number

    def person(
        self,
        rng: random.Random,
        county_code: str,
        region: Region,
        group: str,
        *,
        representative: bool = False,
    ) -> PetitionerInput:
        male = rng.random() < 0.58
        births: dict[str, tuple[int, int]] = {
            PetitionerGroup.RETIREE: (1945, 1966),
            PetitionerGroup.MIGRANT_WORKER: (1966, 2001),
        }
        born_from, born_to = births.get(group, (1950, 1998))
        with_id = rng.random() < 0.88
        if region.name.endswith("社区"):
            address = f"{region.name}{rng.randint(1, 32)}号楼{rng.randint(1, 6)}单元{rng.randint(1, 6)}0{rng.randint(1, 4)}室"
        else:
            address = f"{region.name}{rng.randint(1, 9)}组{rng.randint(1, 80)}号"
        return PetitionerInput(
            name=self.name(rng, male),
            id_number=self.id_number(rng, county_code, born_from, born_to, male) if with_id else "",
            phone=self.mobile(rng),
            address=address,
            group=group,
            is_representative=representative,
        )


def _person_name(key: str) -> str:
    """A stable name for an extra demo account (independent of the seed and of creation order)."""
    rng = random.Random(f"daiban-demo-matters/{key}")  # noqa: S311 - reproducible demo data
    return People(datetime.date(2000, 1, 1)).name(rng, rng.random() < 0.6)


# ================================================================================================ the cast


@dataclass
class Desk:
    """A place that takes matters in: its account, the places it may register, and who relays upward."""

    user: User
    level: int  # Level of the desk
    regions: list[Region]
    chain: list[User | None]  # who escalates, from this desk up to the county centre (None: no account)

    @property
    def can_reach_county(self) -> bool:
        return all(u is not None for u in self.chain)


@dataclass
class District:
    code: str
    region: Region
    centre: User  # county staff
    supervisor: User
    desks: list[Desk]
    leaders: list[User]  # county-level leaders, then the city's


def _region(user: User) -> Region:
    assert user.region is not None
    return user.region


class Cast:
    """The demo accounts acting in the story, and the extra accounts created on demand."""

    def __init__(self) -> None:
        users = {u.username: u for u in User.objects.select_related("region", "unit")}
        missing = {"shi_admin", "xinchengqu_zhongxin", "suyala_daiban", "shi_zhujian"} - users.keys()
        if missing:
            raise DemoNetworkMissing("请先载入演示网络（manage.py load_demo_network）。")
        self.users = users
        self.created: list[str] = []
        self._password = ""
        self.city = Region.objects.get(code=CITY_CODE)
        self.units = {
            (u.region.code, u.domain): u
            for u in ResponsibleUnit.objects.filter(is_active=True).select_related("region", "superior")
        }
        self.city_government = self._ensure_city_government()
        self.districts = {code: self._district(code) for code in DISTRICT_WEIGHTS}

    # -- accounts

    def user(self, username: str) -> User:
        return self.users[username]

    def _create(
        self, username: str, role: str, region: Region, post: str, unit: ResponsibleUnit | None = None
    ) -> User:
        """An extra demo account, made as the network loader makes its accounts (shared demo password)."""
        if username in self.users:
            return self.users[username]
        if not self._password:
            existing = self.users["shi_admin"].password
            self._password = existing or make_password(DEMO_PASSWORD)
        person = _person_name(username)
        agent = None
        if role in AGENT_ROLES:
            org = ServiceOrganization.objects.filter(region=region).order_by("pk").first()
            agent = (
                Agent.objects.filter(organization=org, user__isnull=True).order_by("pk").first()
                if org
                else None
            )
            if agent is not None:
                person = agent.name
        user = User(
            username=username, display_name=f"{person}（{post}）", role=role, region=region, unit=unit
        )
        user.password = self._password
        user.full_clean()
        user.save()
        if agent is not None:
            agent.user = user
            agent.save(update_fields=["user"])
        self.users[username] = user
        self.created.append(username)
        return user

    def handler(self, unit: ResponsibleUnit) -> User:
        """The unit's handler: an existing demo account, or one created for the demo."""
        for u in self.users.values():
            if u.role == Role.UNIT_HANDLER and u.unit_id == unit.pk:
                return u
        if unit.name == CITY_GOVERNMENT:
            username = "shi_zhengfu"
        elif unit.region.code == CITY_CODE:
            username = f"shi_{DOMAIN_SLUGS[UnitDomain(unit.domain)]}"
        else:
            username = f"{DISTRICT_SLUGS[unit.region.code]}_{DOMAIN_SLUGS[UnitDomain(unit.domain)]}"
        return self._create(username, Role.UNIT_HANDLER, unit.region, unit.name, unit)

    def unit(self, county_code: str, domain: str) -> ResponsibleUnit:
        found = self.units.get((county_code, domain)) or self.units.get((CITY_CODE, domain))
        if found is None:
            raise DemoNetworkMissing(f"演示网络中没有 {county_code} 的“{domain}”事权单位。")
        return found

    def _ensure_city_government(self) -> ResponsibleUnit:
        """Re-examination of a city bureau's review goes to the city government (art. 36). The demo
        network gives its city bureaus no superior, so without this no 复核 could be filed at all."""
        gov = ResponsibleUnit.objects.filter(region=self.city, name=CITY_GOVERNMENT).first()
        if gov is None:
            gov = ResponsibleUnit(
                region=self.city, name=CITY_GOVERNMENT, domain=UnitDomain.OTHER, is_demo=True
            )
            gov.save()
        (
            ResponsibleUnit.objects.filter(region=self.city, superior__isnull=True)
            .exclude(pk=gov.pk)
            .exclude(domain__in=NOT_UNDER_CITY_GOVERNMENT)
            .update(superior=gov)
        )
        self.units = {
            (u.region.code, u.domain): u
            for u in ResponsibleUnit.objects.filter(is_active=True)
            .exclude(pk=gov.pk)
            .select_related("region", "superior__superior")
        }
        return gov

    # -- districts

    def _villages(self, parent: Region, limit: int = 40) -> list[Region]:
        return list(
            Region.objects.filter(subtree_q(parent.path, "path"), level=Level.VILLAGE).order_by("code")[
                :limit
            ]
        )

    def _district(self, code: str) -> District:
        county = Region.objects.get(code=code)
        slug = DISTRICT_SLUGS[code]
        users = self.users
        stationed = [
            o.region
            for o in ServiceOrganization.objects.filter(subtree_q(county.path), level=Level.TOWNSHIP)
            .select_related("region")
            .order_by("region__code")
        ]
        if code in (XINCHENG, TUOXIAN):
            centre = users[f"{slug}_zhongxin"]
        else:
            centre = self._create(f"{slug}_zhongxin", Role.COUNTY_STAFF, county, f"{county.name}代办中心")
        desks: list[Desk] = []
        if code == XINCHENG:
            hulunlu, yingxinlu = users["hulunlu_zhan"], users["yingxinlu_zhan"]
            desks += [
                Desk(
                    users["suyala_daiban"],
                    Level.VILLAGE,
                    [_region(users["suyala_daiban"])],
                    [users["suyala_daiban"], hulunlu],
                ),
                # 中山东路街道 has no station account: its community's matters stay at the village.
                Desk(
                    users["zhongshanlu_daiban"],
                    Level.VILLAGE,
                    [_region(users["zhongshanlu_daiban"])],
                    [users["zhongshanlu_daiban"], None],
                ),
                Desk(hulunlu, Level.TOWNSHIP, self._villages(_region(hulunlu)), [hulunlu]),
                Desk(yingxinlu, Level.TOWNSHIP, self._villages(_region(yingxinlu)), [yingxinlu]),
            ]
            leaders = [users["xinchengqu_lingdao"], users["shi_lingdao"]]
            supervisor = users["xinchengqu_jijian"]
        elif code == TUOXIAN:
            zhongtan, shuanghe = users["zhongtan_daiban"], users["shuanghe_zhan"]
            desks += [
                Desk(zhongtan, Level.VILLAGE, [_region(zhongtan)], [zhongtan, shuanghe]),
                Desk(shuanghe, Level.TOWNSHIP, self._villages(_region(shuanghe)), [shuanghe]),
            ]
            leaders = [users["shi_lingdao"]]
            supervisor = users["shi_jijian"]
        else:
            town = stationed[0]
            village = self._villages(town, 1)[0]
            station = self._create(f"{slug}_zhan", Role.TOWNSHIP_STAFF, town, f"{town.name}代办站")
            point = self._create(f"{slug}_daiban", Role.VILLAGE_AGENT, village, f"{village.name}代办员")
            desks += [
                Desk(point, Level.VILLAGE, [village], [point, station]),
                Desk(station, Level.TOWNSHIP, self._villages(town), [station]),
            ]
            leaders = [users["shi_lingdao"]]
            supervisor = users["shi_jijian"]
        everywhere: list[Region] = []
        for town in stationed:
            everywhere += self._villages(town, 12)
        desks.append(Desk(centre, Level.COUNTY, everywhere, []))
        return District(code, county, centre, supervisor, desks, leaders)


# ================================================================================================ time


class Calendar:
    """Working days (the same calendar the deadlines use) and office hours."""

    def __init__(self) -> None:
        self._workday: dict[datetime.date, bool] = {}

    def is_workday(self, d: datetime.date) -> bool:
        found = self._workday.get(d)
        if found is None:
            found = self._workday[d] = workcal.day_info(d).is_workday
        return found

    def next_workday(self, d: datetime.date) -> datetime.date:
        while not self.is_workday(d):
            d += datetime.timedelta(days=1)
        return d

    def add_workdays(self, d: datetime.date, n: int) -> datetime.date:
        while n > 0:
            d += datetime.timedelta(days=1)
            if self.is_workday(d):
                n -= 1
        return d

    @staticmethod
    def at(d: datetime.date, minute: int) -> datetime.datetime:
        return datetime.datetime.combine(d, datetime.time(minute // 60, minute % 60), tzinfo=TZ)

    def place(self, prev: datetime.datetime, gap: Gap) -> datetime.datetime:
        """The moment ``gap`` after ``prev``, on a working day in office hours, always after ``prev``."""
        kind, n, minute = gap
        prev_minute = prev.hour * 60 + prev.minute
        if kind == "min":
            if prev_minute + n <= CLOSES:
                return prev + datetime.timedelta(minutes=n)
            return self.at(self.next_workday(prev.date() + datetime.timedelta(days=1)), OPENS + n % 90)
        if kind == "wd":
            day = self.add_workdays(prev.date(), max(n, 1))
        else:
            day = self.next_workday(prev.date() + datetime.timedelta(days=max(n, 1)))
        return self.at(day, minute)


Gap = tuple[str, int, int]  # ("min" | "wd" | "d", amount, minute of the day for day gaps)


# ================================================================================================ plans


@dataclass
class Step:
    kind: str
    gap: Gap
    args: dict[str, Any]
    at: datetime.datetime | None = None
    # Statutory windows this step must respect: (index of the step that started the clock, limit key,
    # extra days). Scheduling pulls the step back to the limit's last day if the gaps overshoot it.
    within: list[tuple[int, str, int]] = field(default_factory=list)


@dataclass
class Spec:
    """One matter to make (before its steps are drawn)."""

    scenario: str
    county: str
    desk: str = ""  # username of the desk that takes it in; "" = drawn
    topic: str = ""  # "" = drawn
    group: bool | None = None
    leaders: int | None = None  # 0, 1 (包案) or 2 (双包案)
    repeat: bool | None = None  # a repeat visit while it is handled (art. 19)
    objection: bool | None = None  # first sent to a wrong unit, which objects
    story: str = ""  # a fixed story from the newspaper report
    return_visit: bool | None = None  # after a final re-examination, comes back with the same facts


@dataclass
class Plan:
    spec: Spec
    steps: list[Step]
    matters: int = 1  # how many matters the plan creates


# state → (weight in the random fill, what the desk must be able to do, which topics fit)
SCENARIOS: dict[str, tuple[float, str, str]] = {
    "at_village": (3, "village", "route"),
    "at_township": (2, "township", "route"),
    "at_county": (3, "up", "route"),
    "local": (2, "local", "local"),
    "local_closed": (9, "local", "local"),
    "handed_down_closed": (2, "hand_down", "local"),
    "answered": (7, "any", "answer"),
    "guided": (4, "any", "legal"),
    "not_accepted": (2, "any", "refuse"),
    "routed": (3, "up", "route"),
    "objected": (1, "up", "wrong"),
    "handling": (9, "up", "route"),
    "due_soon": (1, "up", "route"),
    "extended": (3, "up", "route"),
    "overdue": (2, "up", "route"),
    "replied": (4, "up", "route"),
    "fed_back": (2, "up", "route"),
    "followed_up": (2, "up", "route"),
    "closed_resolved": (26, "up", "route"),
    "closed_unresolved": (5, "up", "route"),
    "review": (1.5, "up", "route"),
    "review_closed": (1.5, "up", "route"),
    "reexam": (1, "up", "route"),
    "final_replied": (0.5, "up", "route"),
    "final_closed": (1, "up", "route"),
    "accusation_waiting": (0.5, "up", "accuse"),
    "accusation_handling": (1, "up", "accuse"),
    "accusation_closed": (2, "up", "accuse"),
}
REVIEWING = {"review", "review_closed", "reexam", "final_replied", "final_closed"}

# The essential matters, made whatever the count: every state and scenario, and work in every demo
# account's queues. (scenario, county, desk, topic, extra fields)
ESSENTIAL: tuple[Spec, ...] = (
    Spec("closed_resolved", XINCHENG, "suyala_daiban", "renovation", story="wang"),
    Spec("local_closed", TUOXIAN, "zhongtan_daiban", "neighbour", story="zhongtan"),
    Spec("at_village", XINCHENG, "suyala_daiban", "heating", group=False),
    Spec("at_township", XINCHENG, "suyala_daiban", "property", group=True),
    Spec("overdue", XINCHENG, "suyala_daiban", "renovation", leaders=1, repeat=False),
    Spec("due_soon", XINCHENG, "suyala_daiban", "property", leaders=0, repeat=False, objection=False),
    Spec("replied", XINCHENG, "suyala_daiban", "heating", objection=False),
    Spec("handling", XINCHENG, "suyala_daiban", "illegal_build", repeat=True, objection=False),
    Spec("handling", XINCHENG, "hulunlu_zhan", "renovation", leaders=2, group=True),
    Spec("at_county", XINCHENG, "xinchengqu_zhongxin", "school"),
    Spec("objected", XINCHENG, "xinchengqu_zhongxin", "wage", group=False),
    Spec("routed", XINCHENG, "xinchengqu_zhongxin", "renovation", objection=False),
    Spec("handling", XINCHENG, "xinchengqu_zhongxin", "wage", group=True, objection=True, repeat=False),
    Spec("extended", XINCHENG, "xinchengqu_zhongxin", "property", leaders=1),
    Spec("review", XINCHENG, "xinchengqu_zhongxin", "heating", objection=False),
    Spec("reexam", XINCHENG, "yingxinlu_zhan", "renovation", objection=False),
    Spec("final_closed", XINCHENG, "suyala_daiban", "property", objection=False, return_visit=True),
    Spec("final_replied", XINCHENG, "xinchengqu_zhongxin", "heating"),
    Spec("accusation_handling", XINCHENG, "suyala_daiban", "accusation"),
    Spec("accusation_closed", XINCHENG, "xinchengqu_zhongxin", "accusation"),
    Spec("accusation_waiting", XINCHENG, "hulunlu_zhan", "accusation"),
    Spec("closed_unresolved", XINCHENG, "suyala_daiban", "noise"),
    Spec("local", XINCHENG, "zhongshanlu_daiban", "neighbour"),
    Spec("answered", XINCHENG, "zhongshanlu_daiban", "dibao_ask"),
    Spec("guided", XINCHENG, "xinchengqu_zhongxin", "medical"),
    Spec("not_accepted", XINCHENG, "xinchengqu_zhongxin", "court"),
    Spec("followed_up", XINCHENG, "yingxinlu_zhan", "dibao"),
    Spec("fed_back", XINCHENG, "yingxinlu_zhan", "school"),
    Spec("review_closed", XINCHENG, "xinchengqu_zhongxin", "illegal_build", objection=False),
    Spec("handed_down_closed", XINCHENG, "xinchengqu_zhongxin", "neighbour"),
    Spec("local_closed", XINCHENG, "suyala_daiban", "property"),
    Spec("closed_resolved", TUOXIAN, "tuoxian_zhongxin", "wage", group=True),
    Spec("at_village", TUOXIAN, "zhongtan_daiban", "neighbour"),
    Spec("handling", TUOXIAN, "shuanghe_zhan", "heating", leaders=1),
    Spec("overdue", TUOXIAN, "tuoxian_zhongxin", "land_comp", group=True),
    Spec("replied", TUOXIAN, "zhongtan_daiban", "renovation"),
    Spec("routed", TUOXIAN, "tuoxian_zhongxin", "heating", objection=False),
    # The report's photo: a 土左旗 village agent settles a homestead dispute.
    Spec("local_closed", "150121", "tuzuoqi_zhan", "homestead"),
    Spec("closed_resolved", "150103"),
    Spec("handling", "150104"),
    Spec("answered", "150105"),
    Spec("closed_unresolved", "150123"),
    Spec("replied", "150124"),
    Spec("guided", "150125"),
    Spec("closed_resolved", "150172"),
)

CHANNELS_BY_LEVEL: dict[int, tuple[tuple[str, float], ...]] = {
    Level.VILLAGE: ((Channel.WINDOW, 4), (Channel.DOOR, 4), (Channel.SCREENING, 2), (Channel.PHONE, 1)),
    Level.TOWNSHIP: ((Channel.WINDOW, 4), (Channel.MOBILE, 2), (Channel.DOOR, 1), (Channel.PHONE, 2)),
    Level.COUNTY: (
        (Channel.WINDOW, 5),
        (Channel.PHONE, 2),
        (Channel.LETTER, 1),
        (Channel.ONLINE, 2),
        (Channel.LEADER_DAY, 1.5),
        (Channel.LIVESTREAM, 0.7),
    ),
}


def _weighted(rng: random.Random, pairs: Iterable[tuple[Any, float]]) -> Any:
    items = list(pairs)
    return rng.choices([k for k, _ in items], weights=[w for _, w in items])[0]


def _region_kind(region: Region) -> str:
    return "urban" if region.name.endswith("社区") else "rural"


def _topic_fits(topic: Topic, kind: str) -> bool:
    if kind == "answer":
        return topic.purpose in ANSWERABLE_AT_ONCE
    if kind == "legal":
        return bool(topic.legal)
    if kind == "refuse":
        return bool(topic.refuse)
    if kind == "accuse":
        return topic.purpose == Purpose.ACCUSATION
    routable = topic.purpose == Purpose.APPEAL and not topic.refuse
    if kind == "local":
        return routable and topic.local_ok
    if kind == "wrong":
        return routable and bool(topic.wrong)
    return routable


class Planner:
    """Draws the matters: specs, then each one's steps and their times."""

    def __init__(self, cast: Cast, today: datetime.date, seed: int) -> None:
        self.cast = cast
        self.today = today
        self.seed = seed
        self.cal = Calendar()
        self.people = People(today)
        self.horizon = Calendar.at(today, 0)  # every step happens before today
        self._dues: dict[tuple[str, datetime.date, int], datetime.date] = {}

    # -- specs

    def plans(self, count: int) -> list[Plan]:
        """The essential matters, then random ones until there are ``count`` matters."""
        rng = random.Random(self.seed)  # noqa: S311 - reproducible demo data, not secrets
        plans = [self.plan(i, spec) for i, spec in enumerate(ESSENTIAL)]
        total = sum(p.matters for p in plans)
        names = list(SCENARIOS)
        while total < count:
            county = _weighted(rng, DISTRICT_WEIGHTS.items())
            scenario = _weighted(rng, ((n, SCENARIOS[n][0]) for n in names))
            spec = Spec(scenario, county, return_visit=None if count - total >= 2 else False)
            plan = self.plan(len(plans), spec)
            plans.append(plan)
            total += plan.matters
        return plans

    # -- desk, place, topic

    def _desk(self, rng: random.Random, district: District, spec: Spec) -> Desk:
        need = SCENARIOS[spec.scenario][1]
        if spec.desk:
            return next(d for d in district.desks if d.user.username == spec.desk)

        def fits(d: Desk) -> bool:
            if need == "village":
                return d.level == Level.VILLAGE
            if need == "township":
                return (d.level == Level.VILLAGE and d.can_reach_county) or d.level == Level.TOWNSHIP
            if need == "local":
                return d.level in (Level.VILLAGE, Level.TOWNSHIP)
            if need == "hand_down":
                return d.level == Level.COUNTY
            if need == "up":
                return d.can_reach_county
            return True

        weights = {Level.VILLAGE: 4.0, Level.TOWNSHIP: 2.0, Level.COUNTY: 3.5}
        return _weighted(rng, ((d, weights[Level(d.level)]) for d in district.desks if fits(d)))

    def _topic(self, rng: random.Random, spec: Spec, region: Region) -> Topic | None:
        if spec.topic:
            return TOPIC[spec.topic]
        kind = SCENARIOS[spec.scenario][2]
        where = _region_kind(region)
        fitting = [t for t in TOPICS if _topic_fits(t, kind) and t.where in ("any", where)]
        if spec.scenario in REVIEWING:
            # Reviews go up to the city housing bureau, which has a demo account (shi_zhujian).
            fitting = [t for t in fitting if t.domain == UnitDomain.HOUSING]
        return rng.choice(fitting) if fitting else None

    # -- the plan of one matter

    def plan(self, index: int, spec: Spec) -> Plan:
        rng = random.Random(f"{self.seed}/{index}")  # noqa: S311
        district = self.cast.districts[spec.county]
        desk = self._desk(rng, district, spec)
        regions = desk.regions
        if spec.topic and TOPIC[spec.topic].where != "any":
            regions = [r for r in regions if _region_kind(r) == TOPIC[spec.topic].where] or regions
        for _ in range(20):
            region = rng.choice(regions)
            if spec.scenario == "handed_down_closed":
                towns = [d for d in district.desks if d.level == Level.TOWNSHIP]
                region = rng.choice(rng.choice(towns).regions)
            topic = self._topic(rng, spec, region)
            if topic is not None:
                break
        else:  # pragma: no cover - the topic table covers every scenario for urban and rural places
            raise RuntimeError(f"no topic for {spec}")
        build = MatterBuilder(self, rng, spec, district, desk, region, topic)
        steps, anchor, target = build.steps()
        self._fit(steps, anchor, target, rng)
        return Plan(spec, steps, matters=build.matters)

    def _schedule(self, steps: list[Step], start: datetime.date) -> None:
        first = steps[0]
        at = Calendar.at(self.cal.next_workday(start), first.gap[2])
        first.at = at
        for step in steps[1:]:
            prev = at
            at = self.cal.place(prev, step.gap)
            for index, key, extra in step.within:
                started = steps[index].at
                assert started is not None
                due = self._due(key, started.date(), extra)
                if at.date() > due:
                    at = max(Calendar.at(due, step.gap[2] or OPENS), prev + datetime.timedelta(minutes=10))
            step.at = at

    def _due(self, key: str, start: datetime.date, extra: int) -> datetime.date:
        found = self._dues.get((key, start, extra))
        if found is None:
            found = self._dues[(key, start, extra)] = workcal.deadline_for(key, start, extra_days=extra).due
        return found

    def _fit(self, steps: list[Step], anchor: int, target: datetime.date, rng: random.Random) -> None:
        """Shift the matter in time so that step ``anchor`` falls on ``target`` and all lie before today."""
        while not self.cal.is_workday(target):
            target -= datetime.timedelta(days=1)
        start = target
        for _ in range(12):
            self._schedule(steps, start)
            at = steps[anchor].at
            assert at is not None
            diff = (target - at.date()).days
            if diff == 0:
                break
            start += datetime.timedelta(days=diff)
        while (last := steps[-1].at) is not None and last >= self.horizon:
            start -= datetime.timedelta(days=1)
            self._schedule(steps, start)


# ----------------------------------------------------------------------------------------------- builder


def _gap_min(rng: random.Random, lo: int, hi: int) -> Gap:
    return ("min", rng.randint(lo, hi), 0)


def _gap_days(rng: random.Random, lo: int, hi: int) -> Gap:
    n = rng.randint(lo, hi)
    if n <= 0:
        return _gap_min(rng, 20, 150)
    return ("d", n, rng.randint(OPENS, CLOSES))


def _gap_workdays(rng: random.Random, lo: int, hi: int) -> Gap:
    n = rng.randint(lo, hi)
    if n <= 0:
        return _gap_min(rng, 20, 150)
    return ("wd", n, rng.randint(OPENS, CLOSES))


class MatterBuilder:
    """The steps of one matter, from intake to the scenario's state."""

    def __init__(
        self,
        planner: Planner,
        rng: random.Random,
        spec: Spec,
        district: District,
        desk: Desk,
        region: Region,
        topic: Topic,
    ) -> None:
        self.p = planner
        self.cast = planner.cast
        self.rng = rng
        self.spec = spec
        self.district = district
        self.desk = desk
        self.region = region
        self.topic = topic
        self.out: list[Step] = []
        self.matters = 1
        scenario = spec.scenario
        self.group = (
            spec.group
            if spec.group is not None
            else not spec.story and bool(topic.group_contents) and rng.random() < 0.3
        )
        self.objection = scenario == "objected" or (
            spec.objection
            if spec.objection is not None
            else bool(topic.wrong) and scenario not in ("routed", "due_soon") and rng.random() < 0.08
        )
        # Co-units (and so extra handler accounts) only where the demo accounts are.
        self.co = (
            bool(topic.co)
            and district.code in (XINCHENG, TUOXIAN)
            and scenario != "due_soon"
            and rng.random() < 0.35
        )
        accusation = topic.purpose == Purpose.ACCUSATION
        self.leaders = (
            spec.leaders if spec.leaders is not None else 0 if accusation else self._draw_leaders(scenario)
        )
        self.repeat = spec.repeat if spec.repeat is not None else not accusation and rng.random() < 0.1
        self.return_visit = spec.return_visit if spec.return_visit is not None else rng.random() < 0.5
        self.town = region.parent
        self.values = self._values()
        self.petitioners = self._petitioners()
        self.reply_gap: Gap = ("d", 1, OPENS)
        self.agent = desk.user  # the first agent answers for the matter to the end (首接即代办)

    @property
    def lead_unit(self) -> ResponsibleUnit:
        return self.cast.unit(self.district.code, self.topic.domain)

    @property
    def lead_handler(self) -> User:
        return self.cast.handler(self.lead_unit)

    def _draw_leaders(self, scenario: str) -> int:
        if scenario.startswith(
            ("at_", "local", "answered", "guided", "not_", "routed", "objected", "handed")
        ):
            return 0
        roll = self.rng.random()
        return 2 if roll < 0.04 else 1 if roll < 0.14 else 0

    # -- text and people

    def _values(self) -> dict[str, Any]:
        rng = self.rng
        values: dict[str, Any] = {key: rng.choice(pool) for key, pool in POOLS.items()}
        m1 = rng.randint(1, 8)
        values.update(
            place=self.region.name,
            town=self.town.name if self.town else "",
            county=self.district.region.name,
            year=self.p.today.year - rng.choice((0, 1, 1, 2)),
            m1=m1,
            m2=m1 + rng.randint(1, 4),
            years=rng.randint(2, 12),
            building=rng.randint(1, 28),
            n=rng.randint(6, 48) if self.group else 1,
        )
        return values

    def fill(self, text: str, **extra: Any) -> str:
        return text.format_map({**self.values, **extra})

    def _petitioners(self) -> list[PetitionerInput]:
        rng = self.rng
        if self.spec.story:
            return self._story_people()
        if self.group:
            reps = rng.randint(1, 5)
            people = [
                self.p.people.person(
                    rng, self.district.code, self.region, self.topic.group, representative=True
                )
                for _ in range(reps)
            ]
        else:
            people = [self.p.people.person(rng, self.district.code, self.region, self.topic.group)]
        self.values["who"] = people[0].name
        return people

    def _story_people(self) -> list[PetitionerInput]:
        rng, code = self.rng, self.district.code
        if self.spec.story == "wang":
            person = self.p.people.person(rng, code, self.region, PetitionerGroup.RESIDENT)
            people = [PetitionerInput(**{**person.__dict__, "name": "王建国"})]
        else:  # 中滩社区: 刘某 and 张某
            a = self.p.people.person(rng, code, self.region, PetitionerGroup.RESIDENT)
            b = self.p.people.person(rng, code, self.region, PetitionerGroup.RESIDENT)
            people = [
                PetitionerInput(**{**a.__dict__, "name": "刘福林"}),
                PetitionerInput(**{**b.__dict__, "name": "张桂英"}),
            ]
        self.values["who"] = people[0].name
        return people

    # -- step helpers

    def add(self, kind: str, gap: Gap, /, **args: Any) -> int:
        self.out.append(Step(kind, gap, args))
        return len(self.out) - 1

    def intake_args(self, actor: User, channel: str, *, new_matter_reason: str = "") -> dict[str, Any]:
        rng, topic = self.rng, self.topic
        if self.spec.story == "wang":
            title = "老旧小区改造遗留问题"
            content = (
                "王先生反映：所住苏雅拉社区的楼栋在老旧小区改造后，楼道管线未恢复，雨天漏水，"
                "找施工方和物业多次未果。"
            )
            request = "请尽快修复并明确责任单位。"
        elif self.spec.story == "zhongtan":
            title = "刘某与张某邻里纠纷"
            content = (
                "中滩社区居民刘福林（刘某）与邻居张桂英（张某）因院墙滴水和排水沟堵塞多次争吵，"
                "双方积怨较深，刘某请社区代办员出面调解。"
            )
            request = "请帮助协调解决，恢复邻里关系。"
        else:
            title = self.fill(rng.choice(topic.titles))
            pool = topic.group_contents if self.group and topic.group_contents else topic.contents
            content = self.fill(rng.choice(pool))
            request = self.fill(rng.choice(topic.requests))
        headcount = self.values["n"] if self.group else len(self.petitioners)
        if self.group and headcount < 5:
            headcount = 5
        leader = None
        if channel == Channel.LEADER_DAY:
            leader = self.district.leaders[0]
        return {
            "actor": actor,
            "petitioners": self.petitioners,
            "channel": channel,
            "consent": True,
            "region": self.region,
            "title": title[:80],
            "content": content,
            "request": request,
            "category": topic.category,
            "purpose": topic.purpose,
            "headcount": headcount,
            "leader": leader,
            "new_matter_reason": new_matter_reason,
        }

    def intake(self) -> None:
        if self.spec.story == "wang":
            channel = Channel.WINDOW
        elif self.spec.story == "zhongtan":
            channel = Channel.DOOR
        else:
            channel = _weighted(self.rng, CHANNELS_BY_LEVEL[self.desk.level])
        if channel == Channel.LEADER_DAY and self.desk.level != Level.COUNTY:
            channel = Channel.WINDOW
        self.add(
            "intake",
            ("d", 0, self.rng.randint(OPENS, CLOSES - 60)),
            intake=self.intake_args(self.agent, channel),
        )

    def up_to_county(self, stop_at_township: bool = False) -> None:
        rng = self.rng
        for i, user in enumerate(self.desk.chain):
            assert user is not None
            if self.desk.level == Level.VILLAGE and i == 0:
                note = rng.choice(
                    ("需乡镇（街道）协调相关部门办理", "村（社区）无法就地解决，提请代办站协办")
                )
                gap = _gap_min(rng, 30, 300) if rng.random() < 0.6 else _gap_workdays(rng, 1, 2)
            else:
                note = rng.choice(("涉及区县职能部门，提请代办中心交办", "需事权单位依法处理，上报代办中心"))
                gap = _gap_workdays(rng, 0, 2)
            self.add("escalate", gap, actor=user, note=note)
            if stop_at_township:
                return

    def route(self, unit: ResponsibleUnit, gap: Gap, co: Sequence[ResponsibleUnit] = ()) -> int:
        instructions = self.rng.choice(
            (
                "请依法受理，按期办结并书面答复信访人",
                "请核实情况，依法依规妥善处理",
                "请于规定期限内办理并反馈结果",
            )
        )
        return self.add(
            "route",
            gap,
            actor=self.district.centre,
            lead=unit,
            instructions=instructions,
            co=[(u, "请配合主办单位办理并报送协办意见") for u in co],
        )

    def routing(self) -> int:
        """Route (after a wrong first try, if drawn); returns the index of the last route step."""
        rng = self.rng
        if self.objection and self.topic.wrong:
            wrong = self.cast.unit(self.district.code, self.topic.wrong)
            self.route(wrong, _gap_workdays(rng, 0, 2))
            self.add(
                "object",
                _gap_workdays(rng, 1, 3),
                actor=self.cast.handler(wrong),
                unit=wrong,
                reasons=self.topic.objection,
            )
            if self.spec.scenario == "objected":
                return len(self.out) - 1
            return self.route(self.lead_unit, _gap_workdays(rng, 0, 2), self._co_units())
        return self.route(self.lead_unit, _gap_workdays(rng, 0, 3), self._co_units())

    def _co_units(self) -> list[ResponsibleUnit]:
        if not self.co:
            return []
        units = [self.cast.unit(self.district.code, d) for d in self.topic.co]
        return [u for u in units if u.pk != self.lead_unit.pk]

    def accept(self) -> int:
        method = _weighted(
            self.rng, ((ContactMethod.WRITTEN, 5), (ContactMethod.PHONE, 2), (ContactMethod.SMS, 1))
        )
        return self.add(
            "accept",
            _gap_workdays(self.rng, 1, 4),
            actor=self.lead_handler,
            unit=self.lead_unit,
            notice_method=method,
        )

    def middle(
        self,
        until: int,
        *,
        reply_at: int | None,
        extend: tuple[int, int] | None = None,
        mediate: bool = False,
        press: bool = False,
    ) -> int:
        """What happens while the lead unit handles the matter, as offsets in days from acceptance:
        co-units accept and report, leaders are assigned, a repeat visit, mediation, reminders, extension.
        Everything lies before ``until`` days; returns the offset of the last one. With ``reply_at``, the gap
        to the reply is left in ``self.reply_gap``."""
        rng = self.rng
        events: list[tuple[int, str, dict[str, Any]]] = []
        room = max(until - 1, 0)
        for unit in self._co_units():
            handler = self.cast.handler(unit)
            events.append(
                (
                    0,  # co-units accept with the lead, well inside their 5-working-day objection window
                    "accept",
                    {"actor": handler, "unit": unit, "notice_method": ""},
                )
            )
            part = self.fill(
                rng.choice(
                    (
                        "经我单位核查，{place}相关情况属实，建议由主办单位依法处理，我单位予以配合。",
                        "我单位已派员现场核实，提出处理建议：依法责令相关责任主体限期整改。",
                    )
                )
            )
            events.append(
                (
                    min(rng.randint(4, 15), room),
                    "submit_part",
                    {"actor": handler, "unit": unit, "content": part},
                )
            )
        if self.leaders:
            events.append(
                (
                    min(rng.randint(0, 6), room),
                    "leaders",
                    {"actor": self.district.centre, "count": self.leaders},
                )
            )
        if self.repeat and room >= 4:
            events.append((rng.randint(3, min(room, 35)), "repeat", {}))
        if press and room >= 12:
            events.append(
                (
                    rng.randint(10, min(room, 45)),
                    "press",
                    {"actor": self.agent, "note": "信访人询问办理进度，请抓紧办理"},
                )
            )
        if mediate and room >= 6:
            events.append((rng.randint(max(room - 20, 3), room - 2), "mediate", {"signed": True}))
        if extend is not None:
            events.append((extend[0], "extend", {"days": extend[1]}))
        events.sort(key=lambda e: e[0])
        last = 0
        for offset, kind, args in events:
            gap = _gap_days(rng, offset - last, offset - last) if offset > last else _gap_min(rng, 20, 120)
            last = max(last, offset)
            if kind == "accept":
                self.add("accept", gap, **args)
            elif kind == "repeat":
                who = self.agent if rng.random() < 0.7 else self.district.centre
                channel = Channel.PHONE if who is self.agent else Channel.WINDOW
                self.add("repeat", gap, intake=self.intake_args(who, channel))
            elif kind == "leaders":
                self.add("leaders", gap, actor=args["actor"], leaders=self._leader_users(args["count"]))
            elif kind == "mediate":
                self.add("mediate", gap, **self._mediation(self.lead_handler, signed=args["signed"]))
            elif kind == "extend":
                self.add(
                    "extend",
                    gap,
                    actor=self.lead_handler,
                    days=args["days"],
                    approver=f"{self.lead_unit.name}负责人{_person_name(self.lead_unit.name)}",
                    reason=rng.choice(
                        (
                            "需委托第三方鉴定，短期内无法办结",
                            "涉及多个部门协调，需进一步调查核实",
                            "需组织专家论证",
                        )
                    ),
                    notified_how=rng.choice((ContactMethod.WRITTEN, ContactMethod.PHONE)),
                )
            else:
                self.add(kind, gap, **args)
        if reply_at is not None:
            gap_days = max(reply_at - last, 1)
            self.reply_gap = _gap_days(rng, gap_days, gap_days)
        return last

    def _leader_users(self, count: int) -> list[User]:
        users = self.cast.users
        if self.district.code == XINCHENG:
            first = users["xinchengqu_lingdao"]
            if count == 1:
                return [first]
            hulunlu = users["hulunlu_lingdao"]
            second = hulunlu if self.region.path.startswith(hulunlu.region_path) else users["shi_lingdao"]
            return [first, second]
        return [users["shi_lingdao"]]

    def _mediation(self, actor: User, *, signed: bool) -> dict[str, Any]:
        topic = self.topic
        party = self.fill(topic.party or "对方当事人")
        if actor.role == Role.UNIT_HANDLER:
            participants = self.fill(PARTICIPANTS_UNIT, party=party, unit=self.lead_unit.name)
        else:
            participants = self.fill(PARTICIPANTS_LOCAL, party=party)
        if self.spec.story == "wang":
            participants = "王先生、物业公司、区住建局、呼伦路街道代办站"
        elif self.spec.story == "zhongtan":
            participants = "刘某（刘福林）、张某（张桂英）、中滩社区代办员、人民调解员"
        return {
            "actor": actor,
            "participants": participants,
            "terms": self.fill(topic.terms or "双方协商一致，责任方限期整改"),
            "performance_manner": self.fill(topic.manner or "责任方自行履行，代办员回访确认"),
            "deadline_days": self.rng.randint(10, 30),
            "signed": signed,
        }

    def opinion(self, outcome: str) -> dict[str, str]:
        topic = self.topic
        reasons = {
            Outcome.SUPPORT: topic.support,
            Outcome.EXPLAIN: topic.explain,
            Outcome.NOT_SUPPORT: topic.not_support,
        }
        return {
            "outcome": outcome,
            "facts": self.fill(topic.facts or "经调查核实，信访人反映的情况基本属实。"),
            "reasons": self.fill(reasons[Outcome(outcome)] or "已依法依规作出处理。"),
            "basis": topic.basis or "《信访工作条例》第三十二条",
        }

    def reply(self, outcome: str, gap: Gap, *, late: bool = False) -> int:
        return self.add("reply", gap, actor=self.lead_handler, late=late, **self.opinion(outcome))

    def feedback(self) -> int:
        rng = self.rng
        method = _weighted(
            rng, ((ContactMethod.IN_PERSON, 4), (ContactMethod.PHONE, 3), (ContactMethod.VISIT, 2))
        )
        note = rng.choice(
            (
                "向信访人送达并逐条解释处理意见书",
                "电话告知办理结果，信访人表示收到",
                "上门送达处理意见并解释政策依据",
            )
        )
        return self.add("feedback", _gap_days(self.rng, 0, 2), actor=self.agent, method=method, note=note)

    def follow_up(self, service: str, unit: str, gap: Gap | None = None) -> int:
        rng = self.rng
        return self.add(
            "follow_up",
            gap or _gap_days(rng, 2, 9),
            actor=self.agent,
            service=service,
            unit=unit,
            method=_weighted(
                rng, ((ContactMethod.VISIT, 3), (ContactMethod.PHONE, 3), (ContactMethod.IN_PERSON, 1))
            ),
            note=rng.choice(("", "信访人对办理过程表示认可", "已履行到位", "信访人仍有意见，已做解释")),
        )

    def close(self, resolved: bool) -> int:
        note = "案结事了" if resolved else "已依法答复，信访人仍有意见，纳入跟踪稳控"
        return self.add("close", _gap_min(self.rng, 10, 90), actor=self.agent, resolved=resolved, note=note)

    def satisfaction(self, resolved: bool) -> tuple[str, str]:
        rng = self.rng
        if resolved:
            return (
                _weighted(rng, ((Satisfaction.SATISFIED, 8), (Satisfaction.BASICALLY, 2))),
                _weighted(rng, ((Satisfaction.SATISFIED, 6), (Satisfaction.BASICALLY, 3))),
            )
        return (
            _weighted(
                rng,
                ((Satisfaction.SATISFIED, 4), (Satisfaction.BASICALLY, 4), (Satisfaction.DISSATISFIED, 2)),
            ),
            _weighted(rng, ((Satisfaction.BASICALLY, 2), (Satisfaction.DISSATISFIED, 6))),
        )

    # -- the scenarios

    def steps(self) -> tuple[list[Step], int, datetime.date]:
        """The steps, the index of the state-defining step and the day it must fall on."""
        steps, anchor, target = self._steps()
        self._windows(steps)
        return steps, anchor, target

    def _windows(self, steps: list[Step]) -> None:
        """Attach the statutory windows (domain.md §3) each step must fall inside."""
        route_start = accept = last_route = follow_start = 0
        extension = 0
        window: tuple[int, str] | None = None
        review_request, review_kind = 0, ""
        for i, step in enumerate(steps):
            kind, a = step.kind, step.args
            if kind == "intake":
                route_start = i
            elif kind == "route":
                step.within.append((route_start, "route", 0))
                last_route = i
            elif kind == "object":
                step.within.append((last_route, "objection", 0))
                route_start = i
            elif kind == "accept":
                if a["notice_method"]:  # the lead unit: tell the petitioner within 15 days
                    step.within.append((last_route, "accept_notice", 0))
                    accept, extension = i, 0
                else:  # a co-unit accepts inside its objection window
                    step.within.append((last_route, "objection", 0))
            elif kind == "extend":
                step.within.append((accept, "handling", extension))
                extension += a["days"]
            elif kind == "reply":
                if not a.get("late"):
                    step.within.append((accept, "handling", extension))
                follow_start, window = i, (i, "review_request")
            elif kind == "reply_local":
                step.within.append((route_start, "route", 0))
                follow_start, window = i, None
            elif kind in ("feedback", "follow_up", "close"):
                step.within.append((follow_start, "follow_up", 0))
            elif kind == "request_review":
                step.within.append((follow_start, "follow_up", 0))
                if window is not None:
                    step.within.append((window[0], window[1], 0))
                review_request, review_kind = i, a["kind"]
            elif kind == "decide":
                handling = "review_handling" if review_kind == ReviewKind.REVIEW else "reexam_handling"
                step.within.append((review_request, handling, 0))
                follow_start, window = i, (i, "reexam_request") if review_kind == ReviewKind.REVIEW else None

    def _steps(self) -> tuple[list[Step], int, datetime.date]:
        scenario = self.spec.scenario
        rng = self.rng
        today = self.p.today
        ago = lambda lo, hi: today - datetime.timedelta(days=rng.randint(lo, hi))  # noqa: E731
        self.intake()

        if self.spec.story == "wang":
            return self._wang()
        if self.spec.story == "zhongtan":
            return self._local_closed(ago(35, 45), story=True)

        if scenario == "at_village":
            return self.out, 0, ago(1, 4) if rng.random() < 0.75 else ago(11, 13)
        if scenario == "at_township":
            if self.desk.level == Level.VILLAGE:
                self.up_to_county(stop_at_township=True)
            return self.out, len(self.out) - 1, ago(1, 5)
        if scenario == "at_county":
            self.up_to_county()
            return self.out, len(self.out) - 1, ago(1, 5) if rng.random() < 0.7 else ago(8, 13)
        if scenario == "local":
            self.add(
                "start_local",
                _gap_min(rng, 10, 200),
                actor=self.agent,
                note="小事不出村，由代办点（站）就地办理",
            )
            if rng.random() < 0.4:
                self.add("mediate", _gap_workdays(rng, 1, 3), **self._mediation(self.agent, signed=False))
            return self.out, len(self.out) - 1, ago(1, 9)
        if scenario == "local_closed":
            return self._local_closed(None)
        if scenario == "handed_down_closed":
            return self._handed_down()
        if scenario == "answered":
            self.add("answer", _gap_min(rng, 10, 60), actor=self.agent, answer=self.fill(self.topic.answer))
            return self.out, 0, ago(1, HISTORY_DAYS)
        if scenario == "guided":
            self.add(
                "guide",
                _gap_min(rng, 20, 240),
                actor=self.agent,
                legal_channel=self.topic.legal,
                guidance=self.fill(self.topic.guidance),
            )
            return self.out, 0, ago(1, HISTORY_DAYS)
        if scenario == "not_accepted":
            self.add(
                "not_accept",
                _gap_min(rng, 20, 240),
                actor=self.agent,
                reason_kind=self.topic.refuse,
                reason=self.fill(self.topic.refusal),
            )
            return self.out, 0, ago(1, HISTORY_DAYS)
        return self._routed(scenario)

    def _closed_target(self) -> datetime.date:
        """For a matter that ends closed: an intake day early enough for the whole story to fit."""
        probe = self.p.today - datetime.timedelta(days=HISTORY_DAYS + 200)
        self.p._schedule(self.out, probe)
        first, last = self.out[0].at, self.out[-1].at
        assert first is not None and last is not None
        span = (last.date() - first.date()).days
        lo = min(span + 3, HISTORY_DAYS)
        return self.p.today - datetime.timedelta(days=self.rng.randint(lo, max(lo, HISTORY_DAYS)))

    def _local_closed(
        self, intake_on: datetime.date | None, story: bool = False
    ) -> tuple[list[Step], int, datetime.date]:
        rng = self.rng
        self.add(
            "start_local", _gap_min(rng, 10, 200), actor=self.agent, note="小事不出村，由代办点（站）就地调解"
        )
        mediate = story or (bool(self.topic.terms) and rng.random() < 0.75)
        if mediate:
            self.add("mediate", _gap_workdays(rng, 1, 4), **self._mediation(self.agent, signed=True))
        outcome = Outcome.SUPPORT if story or rng.random() < 0.8 else Outcome.EXPLAIN
        self.add("reply_local", _gap_days(rng, 0, 2), actor=self.agent, **self.opinion(outcome))
        self.feedback()
        resolved = story or rng.random() < 0.92
        service, unit = (
            (Satisfaction.SATISFIED, Satisfaction.SATISFIED) if story else self.satisfaction(resolved)
        )
        self.follow_up(service, unit)
        self.close(resolved)
        return self.out, 0, intake_on or self._closed_target()

    def _handed_down(self) -> tuple[list[Step], int, datetime.date]:
        rng = self.rng
        town_desk = next(
            d for d in self.district.desks if d.level == Level.TOWNSHIP and self.region in d.regions
        )
        assert self.town is not None
        self.add(
            "hand_down",
            _gap_min(rng, 30, 240),
            actor=self.agent,
            to_region=self.town,
            note="属地矛盾，交由乡镇（街道）代办站就地化解",
        )
        self.add(
            "start_local", _gap_days(rng, 0, 2), actor=town_desk.user, note="大事不出镇，由代办站组织调解"
        )
        self.add("mediate", _gap_workdays(rng, 1, 4), **self._mediation(town_desk.user, signed=True))
        self.add("reply_local", _gap_days(rng, 0, 2), actor=town_desk.user, **self.opinion(Outcome.SUPPORT))
        self.feedback()
        self.follow_up(*self.satisfaction(True))
        self.close(True)
        return self.out, 0, self._closed_target()

    def _wang(self) -> tuple[list[Step], int, datetime.date]:
        """The seed story: 苏雅拉社区 → 呼伦路 → 新城区 → 新城区住建局, mediated, replied, followed up, closed."""
        rng = self.rng
        self.add("escalate", _gap_min(rng, 240, 300), actor=self.desk.chain[0], note="需协调住建部门")
        self.add("escalate", _gap_workdays(rng, 1, 1), actor=self.desk.chain[1], note="涉及区住建局")
        self.route(self.lead_unit, _gap_workdays(rng, 1, 1))
        self.add(
            "accept",
            _gap_workdays(rng, 1, 1),
            actor=self.lead_handler,
            unit=self.lead_unit,
            notice_method=ContactMethod.WRITTEN,
        )
        mediation = self._mediation(self.lead_handler, signed=True)
        mediation.update(
            terms="物业公司负责修复楼道管线，住建局监督验收",
            performance_manner="施工修复并经业主验收",
            deadline_days=30,
        )
        self.add("mediate", _gap_days(rng, 10, 10), **mediation)
        self.add(
            "reply",
            _gap_days(rng, 1, 1),
            actor=self.lead_handler,
            outcome=Outcome.SUPPORT,
            facts="改造后楼道管线未恢复属实",
            reasons="属改造遗留问题，应予修复；已组织施工方、物业与信访人签订调解协议",
            basis="《建设工程质量管理条例》第四十一条、《呼和浩特市城镇老旧小区改造工作实施方案》",
        )
        self.add(
            "feedback",
            _gap_days(rng, 1, 1),
            actor=self.agent,
            method=ContactMethod.IN_PERSON,
            note="当面解释处理意见和调解协议的履行安排",
        )
        self.follow_up(Satisfaction.SATISFIED, Satisfaction.SATISFIED, _gap_days(rng, 12, 12))
        self.add(
            "close",
            _gap_min(rng, 20, 20),
            actor=self.agent,
            resolved=True,
            note="调解协议已履行，王先生表示感谢，案结事了",
        )
        return self.out, 0, self.p.today - datetime.timedelta(days=96)

    def _routed(self, scenario: str) -> tuple[list[Step], int, datetime.date]:
        rng = self.rng
        today = self.p.today
        ago = lambda lo, hi: today - datetime.timedelta(days=rng.randint(lo, hi))  # noqa: E731
        self.up_to_county()
        if scenario == "accusation_waiting":
            return self.out, len(self.out) - 1, ago(1, 3)
        last_route = self.routing()
        if scenario in ("routed", "objected"):
            return self.out, last_route, ago(1, 3) if scenario == "routed" else ago(1, 5)
        accept = self.accept()

        if scenario in ("handling", "accusation_handling"):
            days = rng.randint(4, 50)
            self.middle(days, reply_at=None, press=True, mediate=False)
            return self.out, accept, today - datetime.timedelta(days=days)
        if scenario == "due_soon":
            target = self._due_soon_day("handling", 50, 70)
            if target is not None:  # handling, its 60 days running out
                days = (today - target).days
                self.middle(days - 3, reply_at=None)
                return self.out, accept, target
            # Holidays leave no such day: replied instead, the follow-up (回访) clock running out.
            target = self._due_soon_day("follow_up", 8, 22) or today - datetime.timedelta(days=13)
            reply_day = rng.randint(12, 40)
            self.middle(reply_day, reply_at=reply_day)
            return self.out, self.reply(Outcome.SUPPORT, self.reply_gap), target
        if scenario == "extended":
            ext_days = rng.choice((15, 20, 30, 30, 30))
            days = rng.randint(56, 60 + ext_days - 3)
            self.middle(days, reply_at=None, extend=(rng.randint(44, 52), ext_days))
            return self.out, accept, today - datetime.timedelta(days=days)
        if scenario == "overdue":
            days = rng.randint(70, 80)
            last = self.middle(55, reply_at=None)
            self.add(
                "press",
                _gap_days(rng, 61 - last, 64 - last),
                actor=self.agent,
                note="办理期限已届满，请主办单位尽快出具处理意见",
            )
            self.add(
                "supervise",
                _gap_days(rng, 1, 3),
                actor=self.district.supervisor,
                note="信访+纪检联合督办：已超期未办结，限五个工作日内书面说明",
            )
            return self.out, accept, today - datetime.timedelta(days=days)

        # Past the reply.
        resolved_path = scenario in ("closed_resolved", "accusation_closed") or (
            scenario in ("replied", "fed_back", "followed_up") and rng.random() < 0.7
        )
        reviewing = scenario in REVIEWING
        closing = scenario in ("closed_resolved", "closed_unresolved")
        roll = rng.random()
        extend = None
        late = closing and roll < 0.08
        if late:  # replied after the 60 days, without extension (on-time rate < 100%)
            reply_day = rng.randint(61, 68)
        elif closing and roll < 0.16:  # extended, then replied inside the extended limit
            extend = (rng.randint(44, 52), rng.choice((15, 20, 30)))
            reply_day = rng.randint(extend[0] + 5, 60 + extend[1] - 5)
        else:
            reply_day = rng.randint(12, 52)
        mediate = resolved_path and bool(self.topic.terms) and rng.random() < 0.35
        self.middle(reply_day, reply_at=reply_day, mediate=mediate, press=rng.random() < 0.3, extend=extend)
        if reviewing:
            outcome = Outcome.NOT_SUPPORT
        elif resolved_path:
            outcome = _weighted(rng, ((Outcome.SUPPORT, 7), (Outcome.EXPLAIN, 3)))
        else:
            outcome = _weighted(rng, ((Outcome.EXPLAIN, 5), (Outcome.NOT_SUPPORT, 5)))
        reply = self.reply(outcome, self.reply_gap, late=late)
        if scenario == "replied":
            return self.out, reply, ago(1, 10)
        fed = self.feedback()
        if scenario == "fed_back":
            return self.out, fed, ago(1, 8)
        if reviewing:
            self.follow_up(*self.satisfaction(False))
            return self._review(scenario)
        resolved = resolved_path
        followed = self.follow_up(*self.satisfaction(resolved))
        if scenario == "followed_up":
            return self.out, followed, ago(1, 5)
        self.close(resolved)
        return self.out, 0, self._closed_target()

    def _due_soon_day(self, limit: str, back_from: int, back_to: int) -> datetime.date | None:
        """A working day on which to start clock ``limit`` so that it ends today or within the due-soon
        window (a public holiday can leave no such day)."""
        today = self.p.today
        window = int(getattr(settings, "DUE_SOON_DAYS", 3))
        for back in range(back_from, back_to + 1):
            day = today - datetime.timedelta(days=back)
            if (
                self.p.cal.is_workday(day)
                and 0 <= (workcal.deadline_for(limit, day).due - today).days <= window
            ):
                return day
        return None

    def _review(self, scenario: str) -> tuple[list[Step], int, datetime.date]:
        rng = self.rng
        today = self.p.today
        ago = lambda lo, hi: today - datetime.timedelta(days=rng.randint(lo, hi))  # noqa: E731
        reasons = (
            "信访人认为处理意见认定事实不清，对不予支持的结论不服",
            "信访人认为原处理意见适用依据错误，要求上级机关复查",
        )
        request = self.add(
            "request_review",
            _gap_days(rng, 1, 4),
            actor=self.agent,
            kind=ReviewKind.REVIEW,
            reason=rng.choice(reasons),
        )
        if scenario == "review":
            return self.out, request, ago(2, 24)
        review_unit = self.lead_unit.superior
        assert review_unit is not None
        review_handler = self.cast.handler(review_unit)
        explain = {
            "facts": "经复查，原处理意见认定事实清楚，证据确凿。",
            "reasons": "原处理意见适用依据正确，处理适当，予以维持。",
            "basis": "《信访工作条例》第三十五条",
        }
        self.add("decide", _gap_days(rng, 10, 24), actor=review_handler, outcome=Outcome.EXPLAIN, **explain)
        self.feedback()
        if scenario == "review_closed":
            resolved = rng.random() < 0.4
            self.follow_up(*self.satisfaction(resolved))
            self.close(resolved)
            return self.out, 0, self._closed_target()
        self.follow_up(*self.satisfaction(False))
        self.add(
            "request_review",
            _gap_days(rng, 1, 8),
            actor=self.agent,
            kind=ReviewKind.REEXAM,
            reason="信访人对复查意见仍不服，请求复核",
        )
        reexam_unit = review_unit.superior
        assert reexam_unit is not None
        reexam_handler = self.cast.handler(reexam_unit)
        hearing = self.add("hearing", _gap_days(rng, 3, 9), actor=reexam_handler, days=rng.randint(3, 10))
        if scenario == "reexam":
            return self.out, hearing, ago(1, 12)
        decided = self.add(
            "decide",
            _gap_days(rng, 5, 15),
            actor=reexam_handler,
            outcome=rng.choice((Outcome.EXPLAIN, Outcome.NOT_SUPPORT)),
            facts="经复核并组织听证，原处理意见和复查意见认定事实清楚。",
            reasons="复查意见适用依据正确，予以维持；复核为终结，同一事实和理由不再受理。",
            basis="《信访工作条例》第三十六条",
        )
        if scenario == "final_replied":
            return self.out, decided, ago(1, 8)
        self.feedback()
        self.follow_up(*self.satisfaction(False))
        self.close(False)
        # Some come back with the same facts: the new visit is registered and refused (art. 36).
        if self.return_visit:
            self.add("intake", _gap_days(rng, 15, 40), intake=self.intake_args(self.agent, Channel.WINDOW))
            self.add(
                "not_accept",
                _gap_min(rng, 20, 90),
                actor=self.agent,
                reason_kind=NotAcceptedReason.ALREADY_REEXAMINED,
                reason="该事项已经复核终结，信访人以同一事实和理由再次提出，依法不再受理，已做好解释疏导。",
            )
            self.matters = 2
        return self.out, 0, self._closed_target()


# ================================================================================================ running


@dataclass
class Run:
    plan: Plan
    matter_id: int | None = None
    version: int = 0
    created: list[int] = field(default_factory=list)


class DemoStepFailed(RuntimeError):
    pass


def _perform(run: Run, step: Step) -> None:
    a = step.args
    kind = step.kind
    mid = run.matter_id

    def done(m: Matter) -> None:
        run.version = m.version

    def common() -> dict[str, Any]:
        return {"matter_id": mid, "expected_version": run.version}

    def task_id(unit: ResponsibleUnit) -> int:
        assert mid is not None
        found = (
            UnitTask.objects.filter(matter_id=mid, unit=unit)
            .order_by("-id")
            .values_list("id", flat=True)
            .first()
        )
        assert found is not None
        return found

    if kind in ("intake", "repeat"):
        result = actions.matter_intake(**a["intake"])
        if kind == "repeat":
            if not result.linked_existing or result.matter.pk != mid:
                raise DemoStepFailed("重复来访未并入原事项")
        else:
            if result.linked_existing:
                raise DemoStepFailed("新登记的事项被并入了已有事项")
            run.matter_id = result.matter.pk
            run.created.append(result.matter.pk)
        done(result.matter)
    elif kind == "escalate":
        done(actions.matter_escalate(actor=a["actor"], note=a["note"], **common()))
    elif kind == "hand_down":
        done(actions.matter_hand_down(actor=a["actor"], to_region=a["to_region"], note=a["note"], **common()))
    elif kind == "start_local":
        done(actions.matter_start_local(actor=a["actor"], note=a["note"], **common()))
    elif kind == "answer":
        done(actions.matter_answer(actor=a["actor"], answer=a["answer"], **common()))
    elif kind == "guide":
        done(
            actions.matter_guide_legal(
                actor=a["actor"], legal_channel=a["legal_channel"], guidance=a["guidance"], **common()
            )
        )
    elif kind == "not_accept":
        done(
            actions.matter_not_accept(
                actor=a["actor"], reason_kind=a["reason_kind"], reason=a["reason"], **common()
            )
        )
    elif kind == "route":
        done(
            actions.matter_route(
                actor=a["actor"],
                lead_unit=a["lead"],
                lead_instructions=a["instructions"],
                co_units=a["co"],
                **common(),
            )
        )
    elif kind == "object":
        done(
            actions.task_object(
                actor=a["actor"],
                task_id=task_id(a["unit"]),
                expected_version=run.version,
                reasons=a["reasons"],
            )
        )
    elif kind == "accept":
        done(
            actions.task_accept(
                actor=a["actor"],
                task_id=task_id(a["unit"]),
                expected_version=run.version,
                notice_method=a["notice_method"],
            )
        )
    elif kind == "submit_part":
        done(
            actions.task_submit_part(
                actor=a["actor"],
                task_id=task_id(a["unit"]),
                expected_version=run.version,
                content=a["content"],
            )
        )
    elif kind == "mediate":
        done(
            actions.matter_mediate(
                actor=a["actor"],
                participants=a["participants"],
                terms=a["terms"],
                performance_manner=a["performance_manner"],
                performance_deadline=clock.today() + datetime.timedelta(days=a["deadline_days"]),
                signed=a["signed"],
                **common(),
            )
        )
    elif kind == "extend":
        done(
            actions.matter_extend(
                actor=a["actor"],
                days=a["days"],
                approver=a["approver"],
                reason=a["reason"],
                notified_how=a["notified_how"],
                **common(),
            )
        )
    elif kind in ("reply", "reply_local", "decide"):
        fn: Callable[..., Matter] = {
            "reply": actions.matter_reply,
            "reply_local": actions.matter_reply_local,
            "decide": actions.matter_decide_review,
        }[kind]
        done(
            fn(
                actor=a["actor"],
                outcome=a["outcome"],
                facts=a["facts"],
                reasons=a["reasons"],
                basis=a["basis"],
                **common(),
            )
        )
    elif kind == "feedback":
        done(actions.matter_feedback(actor=a["actor"], method=a["method"], note=a["note"], **common()))
    elif kind == "follow_up":
        done(
            actions.matter_follow_up(
                actor=a["actor"],
                service_satisfaction=a["service"],
                unit_satisfaction=a["unit"],
                method=a["method"],
                note=a["note"],
                **common(),
            )
        )
    elif kind == "close":
        done(actions.matter_close(actor=a["actor"], resolved=a["resolved"], note=a["note"], **common()))
    elif kind == "request_review":
        done(
            actions.matter_request_review(
                actor=a["actor"], kind=a["kind"], requested_on=clock.today(), reason=a["reason"], **common()
            )
        )
    elif kind == "hearing":
        done(actions.matter_hearing(actor=a["actor"], days=a["days"], **common()))
    elif kind == "leaders":
        done(actions.matter_assign_leaders(actor=a["actor"], leaders=a["leaders"], **common()))
    elif kind in ("press", "supervise"):
        done(actions.matter_press(actor=a["actor"], note=a["note"], **common()))
    else:  # pragma: no cover
        raise DemoStepFailed(f"unknown step {kind}")


def _run_all(plans: list[Plan]) -> list[Run]:
    """Run every step of every plan in time order (ties: plan order), each on its own frozen clock."""
    runs = [Run(p) for p in plans]
    heap: list[tuple[datetime.datetime, int, int]] = []
    for i, run in enumerate(runs):
        at = run.plan.steps[0].at
        assert at is not None
        heap.append((at, i, 0))
    heapq.heapify(heap)
    while heap:
        at, i, pos = heapq.heappop(heap)
        run = runs[i]
        step = run.plan.steps[pos]
        try:
            with clock.frozen(at):
                _perform(run, step)
        except Exception as exc:
            spec = run.plan.spec
            raise DemoStepFailed(
                f"演示事项 #{i}（{spec.scenario}，{spec.county}）第 {pos + 1} 步 {step.kind} 于 {at:%Y-%m-%d %H:%M} 失败：{exc}"
            ) from exc
        if pos + 1 < len(run.plan.steps):
            nxt = run.plan.steps[pos + 1].at
            assert nxt is not None
            heapq.heappush(heap, (nxt, i, pos + 1))
    return runs


# ================================================================================================ entry point


@dataclass(frozen=True)
class LoadResult:
    matters: int
    by_status: dict[str, int]
    by_scenario: dict[str, int]
    by_district: dict[str, tuple[int, int]]  # county name → (open, closed)
    closures: dict[str, int]
    accounts_created: tuple[str, ...]
    seconds: float
    today: datetime.date


def load_demo_matters(
    *, today: datetime.date | None = None, count: int = DEFAULT_COUNT, seed: int = DEFAULT_SEED
) -> LoadResult | None:
    """Make the demo matters; return ``None`` (and change nothing) if any matter exists already.

    ``count`` is the number of matters (at least the 46 essential ones are always made); every
    step happens on a day before ``today`` (default: the real today)."""
    if Matter.objects.exists():
        return None
    started = time.monotonic()
    today = today or clock.today()
    with transaction.atomic(), actions.seeded_lookup_codes(seed):
        cast = Cast()
        planner = Planner(cast, today, seed)
        plans = planner.plans(count)
        runs = _run_all(plans)
    return _summary(runs, cast, today, time.monotonic() - started)


def _summary(runs: list[Run], cast: Cast, today: datetime.date, seconds: float) -> LoadResult:
    ids = [pk for run in runs for pk in run.created]
    rows = list(
        Matter.objects.filter(pk__in=ids).values_list("status", "region_path", "closure_kind", "resolved")
    )
    by_status = Counter(status for status, _, _, _ in rows)
    counties = {f"{d.region.path}": d.region.name for d in cast.districts.values()}
    by_district: dict[str, list[int]] = {name: [0, 0] for name in counties.values()}
    closures: Counter[str] = Counter()
    for status, path, closure, resolved in rows:
        county = next((name for p, name in counties.items() if path.startswith(p)), "")
        by_district.setdefault(county, [0, 0])[status == Status.CLOSED] += 1
        if status == Status.CLOSED:
            label = ClosureKind(closure).label
            if closure == ClosureKind.HANDLED:
                label += "（已化解）" if resolved else "（未化解）"
            closures[label] += 1
    return LoadResult(
        matters=len(ids),
        by_status={s.value: by_status.get(s.value, 0) for s in Status},
        by_scenario=dict(Counter(run.plan.spec.scenario for run in runs)),
        by_district={k: (v[0], v[1]) for k, v in by_district.items()},
        closures=dict(closures),
        accounts_created=tuple(cast.created),
        seconds=seconds,
        today=today,
    )
