"""The proxy service network: organisations (中心/站/点), their agents, and the responsible units."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models

from daiban.regions.models import Level, Region


class RegionBound(models.Model):
    """A row that belongs to one region and copies its path for index-only scoping."""

    region = models.ForeignKey(Region, verbose_name="所在区域", on_delete=models.PROTECT, related_name="+")
    region_path = models.CharField("区域路径", max_length=80, db_index=True, editable=False)

    class Meta:
        abstract = True

    def save(self, *args: object, **kwargs: object) -> None:
        self.region_path = self.region.path
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class OrgKind(models.TextChoices):
    CENTRE = "centre", "代办服务中心"
    STATION = "station", "代办站"
    POINT = "point", "代办点"


class HandlingRole(models.TextChoices):
    LEAD = "lead", "主办"
    CO = "co", "协办"
    PROXY = "proxy", "代办"


# Which kind of organisation sits at which level, and its role in a case (domain.md §1).
KIND_FOR_LEVEL = {
    Level.CITY: (OrgKind.CENTRE, HandlingRole.LEAD),
    Level.COUNTY: (OrgKind.CENTRE, HandlingRole.LEAD),
    Level.TOWNSHIP: (OrgKind.STATION, HandlingRole.CO),
    Level.VILLAGE: (OrgKind.POINT, HandlingRole.PROXY),
}


class ServiceOrganization(RegionBound):  # 信访代办服务机构
    name = models.CharField("名称", max_length=80)
    kind = models.CharField("类型", max_length=10, choices=OrgKind.choices, db_index=True)
    level = models.PositiveSmallIntegerField("层级", choices=Level.choices, db_index=True)
    handling_role = models.CharField("办理职责", max_length=10, choices=HandlingRole.choices)
    address = models.CharField("地址", max_length=120, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    opening_hours = models.CharField("开放时间", max_length=60, blank=True)
    is_demo = models.BooleanField("演示数据", default=False)

    class Meta:
        verbose_name = "代办服务机构"
        verbose_name_plural = "代办服务机构"
        ordering = ["region_path", "name"]
        indexes = [models.Index(fields=["region_path", "level"], name="org_region_level")]

    def __str__(self) -> str:
        return self.name


class Employment(models.TextChoices):
    FULL_TIME = "full", "专职"
    PART_TIME = "part", "兼职"


class DeputyLevel(models.TextChoices):
    NONE = "", "—"
    NATIONAL = "national", "全国"
    PROVINCE = "province", "自治区"
    CITY = "city", "市级"
    COUNTY = "county", "县（区、旗）级"
    TOWNSHIP = "township", "乡镇级"


# A work phone as published: a landline with its area code (0471-1234567) or a work mobile, digits and
# hyphens only.
WORK_PHONE = RegexValidator(
    r"^(?:0\d{2,3}-?\d{7,8}(?:-\d{1,6})?|1[3-9]\d{9}|[48]00-?\d{3}-?\d{4}|12345)$",
    "请填写正确的工作电话：固定电话带区号（如 0471-1234567）或工作手机号。",
)


class Agent(RegionBound):  # 信访代办员
    name = models.CharField("姓名", max_length=32)
    organization = models.ForeignKey(
        ServiceOrganization, verbose_name="所属机构", on_delete=models.PROTECT, related_name="agents"
    )
    employment = models.CharField(
        "专兼职", max_length=4, choices=Employment.choices, default=Employment.PART_TIME
    )
    title = models.CharField("职务", max_length=40, blank=True, help_text="如：村党支部书记、网格员")
    is_party_member = models.BooleanField("党员", default=False)
    is_veteran_party_member = models.BooleanField("老党员", default=False)
    deputy_level = models.CharField(
        "人大代表", max_length=10, choices=DeputyLevel.choices, blank=True, default=DeputyLevel.NONE
    )
    is_cppcc_member = models.BooleanField("政协委员", default=False)
    is_legal_adviser = models.BooleanField("法律顾问", default=False)
    is_grid_worker = models.BooleanField("网格员", default=False)
    is_expert = models.BooleanField("专家", default=False)
    is_village_cadre = models.BooleanField("村（社区）干部", default=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="登录账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agent_profile",
    )
    # 亮身份: what the public pages and the village notice-board poster show of an agent (daiban.portal).
    work_phone = models.CharField(
        "工作电话",
        max_length=20,
        blank=True,
        validators=[WORK_PHONE],
        help_text="公示在群众服务页面和村务公示牌上：请填写工作电话，不要填写私人号码。",
    )
    duty_hours = models.CharField("接待时间", max_length=60, blank=True, help_text="如：工作日 9:00—17:00")
    duty_place = models.CharField("接待地点", max_length=80, blank=True, help_text="如：村委会一楼代办室")
    photo = models.ImageField(
        "公示照片", upload_to="agents/", blank=True, help_text="正面免冠工作照，JPEG 或 PNG，不超过 2 MB。"
    )
    is_active = models.BooleanField("在岗", default=True)
    is_demo = models.BooleanField("演示数据", default=False)

    class Meta:
        verbose_name = "信访代办员"
        verbose_name_plural = "信访代办员"
        ordering = ["region_path", "name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.region = self.organization.region
        super().save(*args, **kwargs)

    @property
    def attribute_labels(self) -> list[str]:
        labels = []
        if self.is_party_member:
            labels.append("老党员" if self.is_veteran_party_member else "党员")
        if self.deputy_level:
            labels.append(f"{self.get_deputy_level_display()}人大代表")
        for field in (
            "is_cppcc_member",
            "is_legal_adviser",
            "is_grid_worker",
            "is_expert",
            "is_village_cadre",
        ):
            if getattr(self, field):
                labels.append(str(getattr(self._meta.get_field(field), "verbose_name", field)))
        return labels


class UnitDomain(models.TextChoices):
    HOUSING = "housing", "住建"
    HR_SOCIAL = "hr_social", "人社"
    NATURAL_RESOURCES = "natural_resources", "自然资源"
    AGRICULTURE = "agriculture", "农牧"
    PUBLIC_SECURITY = "public_security", "公安"
    JUSTICE = "justice", "司法"
    COURT = "court", "法院"
    DISCIPLINE = "discipline", "纪委监委"
    EDUCATION = "education", "教育"
    HEALTH = "health", "卫健"
    CIVIL_AFFAIRS = "civil_affairs", "民政"
    MARKET = "market", "市场监管"
    ENVIRONMENT = "environment", "生态环境"
    TRANSPORT = "transport", "交通运输"
    WATER = "water", "水务"
    PETITION = "petition", "信访局"
    # 综治中心 (社会治理综合服务中心): the county's and the townships' centres for resolving disputes.
    GOVERNANCE = "governance", "综治"
    TOWNSHIP_GOV = "township_gov", "乡镇人民政府（街道办事处）"
    OTHER = "other", "其他"


class ResponsibleUnit(RegionBound):  # 事权单位（责任单位）
    name = models.CharField("名称", max_length=80)
    domain = models.CharField("职能领域", max_length=20, choices=UnitDomain.choices, db_index=True)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    superior = models.ForeignKey(
        "self",
        verbose_name="上级机关",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subordinates",
        help_text="复查、复核由上级机关办理",
    )
    is_active = models.BooleanField("启用", default=True)
    is_demo = models.BooleanField("演示数据", default=False)

    class Meta:
        verbose_name = "事权单位"
        verbose_name_plural = "事权单位"
        ordering = ["region_path", "domain", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="unit_unique_name_in_region")]

    def __str__(self) -> str:
        return self.name
