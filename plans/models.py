"""Organisation (municipality, departments, users) and the plan tree.

Strategy → BasicPolicy → Measure → Step (optional). Projects live in the
`projects` app, indicators in `kpis`. Every plan names its levels differently,
so the visible labels are data on the Strategy (`label_*`), never code.
"""


from decimal import Decimal

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from plans import achievement, fiscal_years
from plans.names import person_name


class Municipality(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["code"]

    def __str__(self):
        return self.name


class Department(models.Model):
    """部局 (parent is None) or 課 (parent is a 部局)."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="departments", verbose_name=_("municipality")
    )
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )
    name = models.CharField(_("name"), max_length=100)
    email = models.EmailField(_("e-mail"), blank=True, help_text=_("Where reminders for this department go."))
    order = models.PositiveIntegerField(_("order"), default=0)
    allow_self_approval = models.BooleanField(
        _("allow self-approval"), default=False,
        help_text=_("For a one-person department only: its manager may approve rows they entered or submitted "
                    "themselves. Otherwise whoever entered or submitted a row cannot approve it."),
    )

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["municipality", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="department_name_unique_in_municipality"),
        ]

    def __str__(self):
        return f"{self.parent.name} {self.name}" if self.parent_id else self.name

    def clean(self):
        if self.parent_id and self.parent.municipality_id != self.municipality_id:
            raise ValidationError({"parent": _("The parent department belongs to another municipality.")})
        if self.parent_id and self.parent.parent_id:
            raise ValidationError({"parent": _("Departments have two levels: a bureau (部局) and its divisions (課).")})


class Role(models.TextChoices):
    STAFF = "staff", _("Department staff")
    MANAGER = "manager", _("Department manager (first review)")
    DX_OFFICE = "dx_office", _("DX office (second review)")
    ADMIN = "admin", _("Administrator")
    VIEWER = "viewer", _("Viewer (read only)")
    # Across municipalities (plans.boundary): the prefecture's or wide-area union's viewer reads the
    # approved figures of the cities granted to it; the shared-service centre's operator manages
    # municipalities and their administrators and sees no figures unless granted.
    WIDE_AREA = "wide_area", _("Prefecture / wide-area viewer (approved figures of granted cities)")
    OPERATOR = "operator", _("System operator (shared-service centre)")


CROSS_MUNICIPALITY_ROLES = frozenset({Role.WIDE_AREA, Role.OPERATOR})


class DxplanUserManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        # `createsuperuser` makes the system operator: the only superuser (plans.boundary).
        extra_fields.setdefault("role", Role.OPERATOR)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="users", verbose_name=_("department")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.VIEWER)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, null=True, blank=True, related_name="users",
        verbose_name=_("municipality"),
        help_text=_("The city this account works in; it sees and changes nothing of another city. "
                    "Taken from the department when one is set. Empty for the system operator and "
                    "wide-area viewers, who are granted cities below."),
    )
    granted_municipalities = models.ManyToManyField(
        Municipality, blank=True, related_name="granted_users", verbose_name=_("granted municipalities"),
        help_text=_("Wide-area viewers (and a system operator, if also granted) read the approved "
                    "figures of these cities."),
    )
    directory_dn = models.CharField(
        _("directory DN"), max_length=500, blank=True, default="",
        help_text=_("Set for accounts that sign in with the city's directory (created at their first sign-in); "
                    "their department and role follow the directory groups at every sign-in. "
                    "Empty for local accounts, which sign in with their dxplan password."),
    )

    objects = DxplanUserManager()

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # Staff and managers act for a department; without one they could see nothing.
            models.CheckConstraint(
                condition=~Q(role__in=["staff", "manager"]) | Q(department__isnull=False),
                name="user_staff_and_manager_have_department",
            ),
        ]

    def clean(self):
        super().clean()
        if self.department_id and self.municipality_id and self.department.municipality_id != self.municipality_id:
            raise ValidationError({"department": _("The department belongs to another municipality.")})
        if self.role not in CROSS_MUNICIPALITY_ROLES and not (self.municipality_id or self.department_id):
            raise ValidationError({"municipality": _("Choose the municipality this account works in.")})

    def save(self, *args, **kwargs):
        # The department decides the city; only the system operator is a Django superuser
        # (a city's administrator must not reach another city through the admin).
        if self.department_id:
            department = self.department if User.department.is_cached(self) else None
            self.municipality_id = (
                department.municipality_id if department is not None and department.pk == self.department_id
                else Department.objects.values_list("municipality_id", flat=True).get(pk=self.department_id)
            )
        if self.role in CROSS_MUNICIPALITY_ROLES:
            self.municipality_id = None
        self.is_superuser = self.role == Role.OPERATOR
        if self.role in (Role.ADMIN, Role.OPERATOR):
            self.is_staff = True
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"department", "role"} & set(update_fields):
            kwargs["update_fields"] = set(update_fields) | {"municipality", "is_superuser", "is_staff"}
        super().save(*args, **kwargs)

    def get_full_name(self):
        """Family name first (佐世保 花子): plans.names.person_name."""
        return person_name(self.last_name, self.first_name)

    @property
    def display_name(self) -> str:
        """The name every page, list and message shows: the full name, else the user name."""
        return person_name(self.last_name, self.first_name, fallback=self.username)

    def __str__(self):
        return self.display_name


def default_grade_bands():
    return achievement.bands_to_json(achievement.DEFAULT_BANDS)


class Strategy(models.Model):
    """One plan (計画・戦略) of a municipality over a range of fiscal years."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="strategies", verbose_name=_("municipality")
    )
    code = models.SlugField(_("code"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    first_fiscal_year = models.PositiveSmallIntegerField(_("first fiscal year"))
    last_fiscal_year = models.PositiveSmallIntegerField(_("last fiscal year"))
    plan_as_of = models.DateField(_("plan as of"), null=True, blank=True)
    actuals_as_of = models.DateField(_("actuals as of"), null=True, blank=True)
    label_basic_policy = models.CharField(_("label of basic policies"), max_length=40, default="基本方針")
    label_measure = models.CharField(_("label of measures"), max_length=40, default="施策")
    label_step = models.CharField(
        _("label of steps"), max_length=40, default="ステップ", blank=True, help_text=_("Blank when the plan has no steps.")
    )
    label_project = models.CharField(_("label of projects"), max_length=40, default="事業")
    grade_bands = models.JSONField(
        _("grading bands"),
        default=default_grade_bands,
        help_text=_('Highest first, rates in percent, e.g. [{"grade": "A", "min_rate": "100"}, ...].'),
    )
    manager_review = models.BooleanField(
        _("first review by the department manager"), default=True, help_text=_("一次評価: the manager approves or returns.")
    )
    dx_review = models.BooleanField(
        _("second review by the DX office"), default=True, help_text=_("二次評価: the DX office approves or returns.")
    )
    plausibility_factor = models.DecimalField(
        _("plausibility factor"), max_digits=6, decimal_places=2, default=Decimal(10),
        validators=[MinValueValidator(Decimal("1.01"))],
        help_text=_("An entered actual more than this many times larger or smaller than the plan or the previous fiscal year "
                    "is saved with a warning and needs a comment before it is submitted."),
    )
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("strategy")
        verbose_name_plural = _("strategies")
        ordering = ["order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(first_fiscal_year__lte=models.F("last_fiscal_year")),
                name="strategy_period_ordered",
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        try:
            self.bands()
        except ValueError as error:
            raise ValidationError({"grade_bands": achievement.said_in(error, get_language())}) from None

    def bands(self) -> tuple[achievement.GradeBand, ...]:
        """The strategy's grade bands, parsed and validated by plans.achievement.bands_from_json."""
        return achievement.bands_from_json(self.grade_bands)

    @property
    def fiscal_years(self) -> list[int]:
        return fiscal_years.fiscal_years_between(self.first_fiscal_year, self.last_fiscal_year)

    @property
    def period_label(self) -> str:
        return f"{fiscal_years.era_label(self.first_fiscal_year)}〜{fiscal_years.era_label(self.last_fiscal_year)}"


class StrategyPhase(models.Model):
    """A period inside the plan, e.g. Nagasaki's 第1期 (2022–2024)."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="phases", verbose_name=_("strategy"))
    name = models.CharField(_("name"), max_length=60)
    first_fiscal_year = models.PositiveSmallIntegerField(_("first fiscal year"))
    last_fiscal_year = models.PositiveSmallIntegerField(_("last fiscal year"))
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("plan phase")
        verbose_name_plural = _("plan phases")
        ordering = ["strategy", "order"]
        constraints = [
            models.UniqueConstraint(fields=["strategy", "name"], name="phase_name_unique_in_strategy"),
            models.CheckConstraint(
                condition=Q(first_fiscal_year__lte=models.F("last_fiscal_year")), name="phase_period_ordered"
            ),
        ]

    def __str__(self):
        return self.name


class CategoryVocabulary(models.Model):
    """A classification a strategy defines: Sasebo's 分野 and 分類, SDG goals, …"""

    strategy = models.ForeignKey(
        Strategy, on_delete=models.CASCADE, related_name="vocabularies", verbose_name=_("strategy")
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=60)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("category vocabulary")
        verbose_name_plural = _("category vocabularies")
        ordering = ["strategy", "order"]
        constraints = [models.UniqueConstraint(fields=["strategy", "code"], name="vocabulary_code_unique")]

    def __str__(self):
        return self.name


class Category(models.Model):
    vocabulary = models.ForeignKey(
        CategoryVocabulary, on_delete=models.CASCADE, related_name="categories", verbose_name=_("vocabulary")
    )
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["vocabulary", "order"]
        constraints = [models.UniqueConstraint(fields=["vocabulary", "code"], name="category_code_unique")]

    def __str__(self):
        return f"{self.vocabulary.name}: {self.name}"


class PlanNode(models.Model):
    """Fields every level of the tree shares: code as printed, order, title, owners."""

    code = models.CharField(_("code"), max_length=60, help_text=_("As printed in the plan, e.g. 1-1, 3-a-2."))
    order = models.PositiveIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    note = models.TextField(_("note"), blank=True, help_text=_("Remarks on the data, e.g. an uncertain reading."))

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.code} {self.title}".strip()


class TargetTexts(models.Model):
    """Target-state and analysis texts the plans print (到達像, めざす姿, 3年後の目指す状態, …)."""

    target_image = models.TextField(_("target image (到達像)"), blank=True)
    target_object = models.CharField(_("target: who (対象)"), max_length=200, blank=True)
    target_intent = models.TextField(_("target: intended state (意図)"), blank=True)
    target_state_3y = models.TextField(_("state aimed at in 3 years"), blank=True)
    current_issues = models.TextField(_("current situation and issues (現状・課題)"), blank=True)
    actions = models.TextField(_("actions (取組内容)"), blank=True)
    strengths = models.TextField(_("what works, strengths, opportunities"), blank=True)
    weaknesses = models.TextField(_("what does not work, weaknesses, threats"), blank=True)
    approach = models.TextField(_("approach (取組方針)"), blank=True)
    related_plans = models.TextField(_("related plans"), blank=True)

    class Meta:
        abstract = True


class BasicPolicy(PlanNode, TargetTexts):
    strategy = models.ForeignKey(
        Strategy, on_delete=models.CASCADE, related_name="basic_policies", verbose_name=_("strategy")
    )
    short_name = models.CharField(_("short name"), max_length=60, blank=True, help_text=_("e.g. Sasebo's 観光."))
    field_examples = models.CharField(_("field examples (分野例)"), max_length=200, blank=True)
    lead_department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("lead department")
    )
    co_departments = models.ManyToManyField(
        Department, blank=True, related_name="+", verbose_name=_("co-departments")
    )
    categories = models.ManyToManyField(Category, blank=True, related_name="basic_policies", verbose_name=_("categories"))

    class Meta:
        verbose_name = _("basic policy")
        verbose_name_plural = _("basic policies")
        ordering = ["strategy", "order"]
        constraints = [models.UniqueConstraint(fields=["strategy", "code"], name="basic_policy_code_unique")]


class Measure(PlanNode, TargetTexts):
    basic_policy = models.ForeignKey(
        BasicPolicy, on_delete=models.CASCADE, related_name="measures", verbose_name=_("basic policy")
    )
    alt_title = models.CharField(
        _("alternative title"), max_length=300, blank=True, help_text=_("Another wording printed elsewhere in the plan.")
    )
    lead_department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("lead department")
    )
    co_departments = models.ManyToManyField(
        Department, blank=True, related_name="+", verbose_name=_("co-departments")
    )
    categories = models.ManyToManyField(Category, blank=True, related_name="measures", verbose_name=_("categories"))

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["basic_policy", "order"]
        constraints = [models.UniqueConstraint(fields=["basic_policy", "code"], name="measure_code_unique")]


class Step(PlanNode):
    """Optional level under a measure (Sasebo's ステップ 1-1, 3-a-2).

    Codes are not unique: the Sasebo seed prints 保健福祉 2-b-1 twice with two titles.
    """

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="steps", verbose_name=_("measure"))

    class Meta:
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        ordering = ["measure", "order"]
        constraints = [models.UniqueConstraint(fields=["measure", "order"], name="step_order_unique")]


class StepStatus(models.TextChoices):
    DONE = "done", _("Done (実施済)")
    CURRENT = "current", _("This fiscal year (当年度実施)")
    PLANNED = "planned", _("Planned (今後予定)")
    CONSIDERING = "considering", _("Under consideration (検討)")


class StepYear(models.Model):
    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="years", verbose_name=_("step"))
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    status = models.CharField(_("status"), max_length=20, choices=StepStatus.choices)

    class Meta:
        verbose_name = _("step status by fiscal year")
        verbose_name_plural = _("step statuses by fiscal year")
        ordering = ["step", "fiscal_year"]
        constraints = [models.UniqueConstraint(fields=["step", "fiscal_year"], name="step_year_unique")]


class NarrativeKind(models.TextChoices):
    GOAL = "goal", _("Goal of the fiscal year (年度の目標)")
    SUMMARY = "summary", _("Summary of the fiscal year (事業総括)")
    ACTIVITIES = "activities", _("Main activities of the fiscal year (主な取組み)")


class Narrative(models.Model):
    """A per-fiscal-year text of a basic policy, a measure or a project (exactly one)."""

    basic_policy = models.ForeignKey(
        BasicPolicy, on_delete=models.CASCADE, null=True, blank=True, related_name="narratives"
    )
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, null=True, blank=True, related_name="narratives")
    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, null=True, blank=True, related_name="narratives"
    )
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    kind = models.CharField(_("kind"), max_length=20, choices=NarrativeKind.choices)
    text = models.TextField(_("text"))

    class Meta:
        verbose_name = _("narrative")
        verbose_name_plural = _("narratives")
        ordering = ["fiscal_year", "kind"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(basic_policy__isnull=False, measure__isnull=True, project__isnull=True)
                    | Q(basic_policy__isnull=True, measure__isnull=False, project__isnull=True)
                    | Q(basic_policy__isnull=True, measure__isnull=True, project__isnull=False)
                ),
                name="narrative_has_exactly_one_owner",
            ),
            models.UniqueConstraint(
                fields=["basic_policy", "fiscal_year", "kind"],
                condition=Q(basic_policy__isnull=False),
                name="narrative_unique_per_policy",
            ),
            models.UniqueConstraint(
                fields=["measure", "fiscal_year", "kind"],
                condition=Q(measure__isnull=False),
                name="narrative_unique_per_measure",
            ),
            models.UniqueConstraint(
                fields=["project", "fiscal_year", "kind"],
                condition=Q(project__isnull=False),
                name="narrative_unique_per_project",
            ),
        ]

    def __str__(self):
        return f"{fiscal_years.era_label(self.fiscal_year)} {self.get_kind_display()}"


class DirectoryGroupMapping(models.Model):
    """A directory (LDAP / Active Directory) group → the department and role its members get.

    Maintained by the administrator in the admin, read at every directory sign-in
    (plans.signin.mapping picks the row): a user in several mapped groups gets the row with
    the lowest priority number; a user in none is refused.
    """

    group = models.CharField(
        _("directory group"), max_length=500, unique=True,
        help_text=_("The group's full DN (cn=kanko,ou=groups,dc=city,dc=jp) or just its name (cn), "
                    "compared without regard to case."),
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("department")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("municipality"),
        help_text=_("The city the group's members work in; taken from the department when one is set."),
    )
    priority = models.PositiveIntegerField(
        _("priority"), default=100,
        help_text=_("A user in several mapped groups gets the mapping with the lowest number."),
    )

    class Meta:
        verbose_name = _("directory group mapping")
        verbose_name_plural = _("directory group mappings")
        ordering = ["priority", "group"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(role__in=["staff", "manager"]) | Q(department__isnull=False),
                name="directory_mapping_staff_and_manager_have_department",
            ),
        ]

    def __str__(self):
        return self.group

    def clean(self):
        if self.role in (Role.STAFF, Role.MANAGER) and not self.department_id:
            raise ValidationError({"department": _("Staff and managers need a department.")})

    def save(self, *args, **kwargs):
        # Like User.save: the department decides the city; the cross-city roles work in none.
        if self.department_id:
            department = self.department if DirectoryGroupMapping.department.is_cached(self) else None
            self.municipality_id = (
                department.municipality_id if department is not None and department.pk == self.department_id
                else Department.objects.values_list("municipality_id", flat=True).get(pk=self.department_id)
            )
        if self.role in CROSS_MUNICIPALITY_ROLES:
            self.municipality_id = None
        super().save(*args, **kwargs)
