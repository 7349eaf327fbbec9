"""Indicators, their values per fiscal year, and target revisions.

A yearly value has a planned and an actual side. Each side is in one of five
states (plans.achievement): a number, 「－」 not applicable, 「…」 not yet set,
verbatim text (Sasebo prints 実施済 in value cells), or empty. 「－」 and 「…」 are
never stored as NULL or zero, so they survive every round trip.
"""

from collections.abc import Mapping
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kpis.plausibility import warnings_from_json
from kpis.rates import RATE_MAX_DIGITS, RATE_PLACES, rate_for
from kpis.values import MAX_DIGITS, MAX_PLACES, MAX_TEXT, column_names, stored_number, value_from_columns
from plans import achievement
from plans.models import BasicPolicy, Department, Measure, Strategy


class IndicatorKind(models.TextChoices):
    OUTCOME = "outcome", _("Outcome indicator (成果指標)")
    KPI = "kpi", _("KPI")
    ACTIVITY = "activity", _("Activity indicator (活動指標)")


class Direction(models.TextChoices):
    UP = achievement.UP, _("Higher is better")
    DOWN = achievement.DOWN, _("Lower is better")
    MAINTAIN = achievement.MAINTAIN, _("Maintain (within a tolerance)")


class ValueState(models.TextChoices):
    NUMBER = achievement.NUMBER, _("Number")
    NOT_APPLICABLE = achievement.NOT_APPLICABLE, _("Not applicable (－)")
    NOT_SET = achievement.NOT_SET, _("Not yet set (…)")
    TEXT = achievement.TEXT, _("Text")
    EMPTY = achievement.EMPTY, _("Empty")


class EntryStatus(models.TextChoices):
    """Where a yearly actual is in the entry and review round."""

    NOT_ENTERED = "not_entered", _("Not entered")
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    FIRST_APPROVED = "first_approved", _("Approved by the manager")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved")


class Indicator(models.Model):
    """An indicator attached to exactly one of a basic policy, a measure or a project."""

    strategy = models.ForeignKey(
        Strategy, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("strategy")
    )
    basic_policy = models.ForeignKey(
        BasicPolicy, on_delete=models.CASCADE, null=True, blank=True, related_name="indicators",
        verbose_name=_("basic policy"),
    )
    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, null=True, blank=True, related_name="indicators", verbose_name=_("measure")
    )
    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, null=True, blank=True, related_name="indicators",
        verbose_name=_("project"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=IndicatorKind.choices)
    code = models.CharField(
        _("code"), max_length=60, blank=True,
        help_text=_("Unique within the strategy; imports and exports match indicators by it."),
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=300, blank=True)
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices, default=Direction.UP)
    tolerance = models.DecimalField(
        _("tolerance"), max_digits=MAX_DIGITS, decimal_places=MAX_PLACES, null=True, blank=True,
        help_text=_("For maintain indicators: how far from the plan still counts as achieved, in the unit."),
    )
    cumulative = models.BooleanField(_("cumulative"), default=False, help_text=_("Values add up across years."))
    baseline_value = models.DecimalField(
        _("baseline value"), max_digits=MAX_DIGITS, decimal_places=MAX_PLACES, null=True, blank=True
    )
    baseline_places = models.PositiveSmallIntegerField(default=0)
    baseline_fiscal_year = models.PositiveSmallIntegerField(_("baseline fiscal year"), null=True, blank=True)
    target_value = models.DecimalField(
        _("final target"), max_digits=MAX_DIGITS, decimal_places=MAX_PLACES, null=True, blank=True
    )
    target_places = models.PositiveSmallIntegerField(default=0)
    target_fiscal_year = models.PositiveSmallIntegerField(_("target fiscal year"), null=True, blank=True)
    formula = models.TextField(_("formula and rationale (算出式・設定根拠)"), blank=True)
    data_source = models.CharField(_("data source"), max_length=300, blank=True)
    responsible_department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="indicators",
        verbose_name=_("responsible department"),
    )
    note = models.TextField(_("note"), blank=True, help_text=_("Remarks on the data, e.g. an uncertain reading."))
    history = HistoricalRecords()

    # What YearlyValue.rate is computed from besides the value itself.
    RATE_INPUTS = ("direction", "baseline_value", "tolerance")

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["strategy", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["strategy", "code"], condition=~Q(code=""), name="indicator_code_unique_in_strategy"
            ),
            models.CheckConstraint(
                condition=(
                    Q(basic_policy__isnull=False, measure__isnull=True, project__isnull=True)
                    | Q(basic_policy__isnull=True, measure__isnull=False, project__isnull=True)
                    | Q(basic_policy__isnull=True, measure__isnull=True, project__isnull=False)
                ),
                name="indicator_attached_to_exactly_one_node",
            ),
            models.CheckConstraint(
                condition=Q(baseline_value__isnull=True) | Q(baseline_fiscal_year__isnull=False),
                name="indicator_baseline_has_fiscal_year",
            ),
            models.CheckConstraint(
                condition=Q(target_value__isnull=True) | Q(target_fiscal_year__isnull=False),
                name="indicator_target_has_fiscal_year",
            ),
            models.CheckConstraint(
                condition=Q(tolerance__isnull=True) | Q(tolerance__gte=0), name="indicator_tolerance_not_negative"
            ),
        ]

    def __str__(self):
        return self.name or self.code or f"#{self.pk}"

    @property
    def label(self) -> str:
        """How a message names this indicator: its code, then its name (「KPI 1-1-1 データマイニング件数」),
        since indicators of one plan may share a name. The one helper for every such message."""
        return f"{self.code or f'#{self.pk}'} {self.name}".strip()

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_rate_inputs = instance._rate_inputs()
        return instance

    def _rate_inputs(self) -> tuple | None:
        deferred = self.get_deferred_fields()
        if any(name in deferred for name in self.RATE_INPUTS):
            return None
        return tuple(getattr(self, name) for name in self.RATE_INPUTS)

    def save(self, *args, **kwargs):
        """Saving a changed direction, baseline or tolerance recomputes its values' stored rates."""
        loaded = getattr(self, "_loaded_rate_inputs", None)
        super().save(*args, **kwargs)
        current = self._rate_inputs()
        if loaded is not None and current != loaded:
            refresh_rates([self.pk])
        self._loaded_rate_inputs = current

    @property
    def baseline(self) -> achievement.Value:
        return stored_number(self.baseline_value, self.baseline_places)

    @property
    def target(self) -> achievement.Value:
        return stored_number(self.target_value, self.target_places)

    @property
    def owner(self):
        return self.basic_policy or self.measure or self.project

    def final_target(self, planned: Mapping[int, achievement.Value]) -> achievement.FinalTarget | None:
        """achievement.final_target for this indicator: its own target, or else the last planned
        number of the strategy's period. `planned`: this indicator's planned values by fiscal year
        (numbers are enough; other years are skipped anyway). Reads self.strategy."""
        return achievement.final_target(target=self.target, target_fiscal_year=self.target_fiscal_year,
                                        planned=planned, last_fiscal_year=self.strategy.last_fiscal_year)

    def expected_value(self, fiscal_year: int) -> Decimal | None:
        return achievement.expected_value(
            baseline_value=self.baseline_value,
            baseline_fiscal_year=self.baseline_fiscal_year,
            target_value=self.target_value,
            target_fiscal_year=self.target_fiscal_year,
            fiscal_year=fiscal_year,
        )


def _side_is_consistent(prefix: str) -> Q:
    """The number is set exactly when the state is NUMBER, the text exactly when TEXT."""
    state, number, _places, text = column_names(prefix)
    return (
        (Q(**{state: achievement.NUMBER}) & Q(**{f"{number}__isnull": False}) & Q(**{text: ""}))
        | (Q(**{state: achievement.TEXT}) & Q(**{f"{number}__isnull": True}) & ~Q(**{text: ""}))
        | (
            Q(**{f"{state}__in": [achievement.NOT_APPLICABLE, achievement.NOT_SET, achievement.EMPTY]})
            & Q(**{f"{number}__isnull": True})
            & Q(**{text: ""})
        )
    )


class YearlyValue(models.Model):
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="values", verbose_name=_("indicator")
    )
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    planned_state = models.CharField(
        _("planned: state"), max_length=10, choices=ValueState.choices, default=ValueState.EMPTY
    )
    planned_number = models.DecimalField(
        _("planned"), max_digits=MAX_DIGITS, decimal_places=MAX_PLACES, null=True, blank=True
    )
    planned_places = models.PositiveSmallIntegerField(
        _("planned: decimal places"), default=0, help_text=_("Decimals as entered: 2500.0 stays 2500.0.")
    )
    planned_text = models.CharField(_("planned: text"), max_length=MAX_TEXT, blank=True)
    actual_state = models.CharField(
        _("actual: state"), max_length=10, choices=ValueState.choices, default=ValueState.EMPTY
    )
    actual_number = models.DecimalField(
        _("actual"), max_digits=MAX_DIGITS, decimal_places=MAX_PLACES, null=True, blank=True
    )
    actual_places = models.PositiveSmallIntegerField(_("actual: decimal places"), default=0)
    actual_text = models.CharField(_("actual: text"), max_length=MAX_TEXT, blank=True)
    comment = models.TextField(_("evaluation comment (進捗状況・評価)"), blank=True)
    note = models.TextField(_("note"), blank=True, help_text=_("Remarks on the data, e.g. an uncertain reading."))
    # What kpis.plausibility found when the actual was entered (a list of dicts; [] when plausible).
    actual_warnings = models.JSONField(_("warnings on the actual"), default=list, blank=True)
    status = models.CharField(
        _("entry status"), max_length=20, choices=EntryStatus.choices, default=EntryStatus.NOT_ENTERED, db_index=True
    )
    # The achievement rate of this year, kept so that dashboards count grades in the
    # database. Derived, never entered: kpis.rates.rate_for computes it, for save(), for
    # refresh_rates() (after bulk writes and changes of the indicator's direction, baseline
    # or tolerance) and for the import's bulk writes. Readers read this column.
    rate = models.DecimalField(
        _("achievement rate (%)"), max_digits=RATE_MAX_DIGITS, decimal_places=RATE_PLACES, null=True, blank=True,
        editable=False,
    )
    # Incremented on every save through the services; the entry workflow uses it
    # to refuse a save based on a stale read (no lost updates).
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("updated by"),
    )
    # Who last saved the actual or comment, and who last submitted the row: neither may
    # approve it (segregation of duties, kpis.permissions.self_approval_refusal).
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("entered by"),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("submitted by"),
    )
    history = HistoricalRecords(excluded_fields=["rate"])  # derived: the history keeps its inputs

    class Meta:
        verbose_name = _("yearly value")
        verbose_name_plural = _("yearly values")
        ordering = ["indicator", "fiscal_year"]
        # The dashboards count one fiscal year of a plan: on PostgreSQL this index answers
        # that from the index alone (other databases skip covering indexes).
        indexes = [models.Index(fields=["fiscal_year", "indicator"], include=["status", "rate", "actual_state"],
                                name="yearly_value_year_counts")]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "fiscal_year"], name="yearly_value_unique"),
            models.CheckConstraint(condition=_side_is_consistent("planned"), name="yearly_value_planned_consistent"),
            models.CheckConstraint(condition=_side_is_consistent("actual"), name="yearly_value_actual_consistent"),
        ]

    def __str__(self):
        return f"{self.indicator} {self.fiscal_year}"

    @property
    def planned(self) -> achievement.Value:
        return value_from_columns(self, "planned")

    @property
    def actual(self) -> achievement.Value:
        return value_from_columns(self, "actual")

    @property
    def warning_messages(self) -> list[str]:
        """The plausibility warnings of the actual, in the active language."""
        language = get_language()
        return [w.message(language) for w in warnings_from_json(self.actual_warnings)]

    def achievement_rate(self) -> Decimal | None:
        """The rate this row should store (kpis.rates.rate_for); what save() and refresh_rates
        write and stale_rates checks. Readers read `rate`. Needs `indicator` loaded."""
        indicator = self.indicator
        return rate_for(planned=self.planned, actual=self.actual, direction=indicator.direction,
                        baseline=indicator.baseline_value, tolerance=indicator.tolerance)

    def grade(self, bands=achievement.DEFAULT_BANDS) -> str:
        """The grade of the stored rate; pass `strategy.bands()` to grade by the strategy's own bands."""
        return achievement.grade(self.rate, bands)

    def save(self, *args, **kwargs):
        try:
            self.rate = self.achievement_rate()
        except ValueError:  # inconsistent columns: the CHECK constraints refuse the row
            self.rate = None
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "rate"}
        super().save(*args, **kwargs)


def refresh_rates(indicator_ids=None, *, batch_size: int = 2000) -> int:
    """Recompute YearlyValue.rate of the given indicators' values (all values if None)
    after writes that bypass save(): bulk inserts and updates, an indicator's new direction,
    baseline or tolerance. Returns how many rates changed."""
    values = YearlyValue.objects.select_related("indicator").only(
        "rate", *column_names("planned"), *column_names("actual"),
        *(f"indicator__{name}" for name in Indicator.RATE_INPUTS),
    )
    if indicator_ids is not None:
        values = values.filter(indicator_id__in=indicator_ids)
    changed = []
    for value in values.order_by("pk").iterator(chunk_size=batch_size):
        rate = value.achievement_rate()
        if rate != value.rate:
            value.rate = rate
            changed.append(value)
    YearlyValue.objects.bulk_update(changed, ["rate"], batch_size=batch_size)
    return len(changed)


def stale_rates(values=None) -> list[tuple[int, Decimal | None, Decimal | None]]:
    """(pk, stored, computed) of every value whose stored rate is not what it should be:
    empty when refresh_rates and save() did their job (tests and `refresh_rates --check`)."""
    values = (values if values is not None else YearlyValue.objects.all()).select_related("indicator")
    computed = ((v.pk, v.rate, v.achievement_rate()) for v in values.order_by("pk").iterator(chunk_size=2000))
    return [row for row in computed if row[1] != row[2]]


class TargetRevision(models.Model):
    """A change of a planned value after it was first set: kept and shown, with the reason."""

    yearly_value = models.ForeignKey(
        YearlyValue, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("yearly value")
    )
    old_state = models.CharField(_("old state"), max_length=10, choices=ValueState.choices)
    old_number = models.DecimalField(
        _("old planned"), max_digits=MAX_DIGITS, decimal_places=MAX_PLACES, null=True, blank=True
    )
    old_places = models.PositiveSmallIntegerField(default=0)
    old_text = models.CharField(_("old text"), max_length=MAX_TEXT, blank=True)
    new_state = models.CharField(_("new state"), max_length=10, choices=ValueState.choices)
    new_number = models.DecimalField(
        _("new planned"), max_digits=MAX_DIGITS, decimal_places=MAX_PLACES, null=True, blank=True
    )
    new_places = models.PositiveSmallIntegerField(default=0)
    new_text = models.CharField(_("new text"), max_length=MAX_TEXT, blank=True)
    reason = models.TextField(_("reason"))
    revised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("revised by"),
    )
    revised_at = models.DateTimeField(_("revised at"), auto_now_add=True)

    class Meta:
        verbose_name = _("target revision")
        verbose_name_plural = _("target revisions")
        ordering = ["yearly_value", "revised_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="target_revision_has_reason"),
        ]

    @property
    def old(self) -> achievement.Value:
        return value_from_columns(self, "old")

    @property
    def new(self) -> achievement.Value:
        return value_from_columns(self, "new")
