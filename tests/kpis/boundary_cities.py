"""Two cities with an entry round each, for the municipality boundary tests of the entry round
(tests/kpis/test_municipality_boundary_*.py).

Sasebo: the demo's 令和6年度 round of sasebo-dx. Nagasaki: a 令和6年度 round of nagasaki-h
(長崎市第五次総合計画), opened here. In each round four rows are put in the states the actions
need (a draft, one submitted, one waiting for the DX office, one approved) and two texts (one
waiting for the DX office, one approved). Drafts and rows waiting for review carry secret
figures and comments: no page of another city, and no page of a wide-area viewer, may show them.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from kpis import workflow
from kpis.models import (
    EntryRound,
    EntryRoundEvent,
    EntryStatus,
    ReviewEvent,
    RoundText,
    RoundTextEvent,
    TargetRevision,
    YearlyValue,
)
from kpis.models.round_texts import RoundTextKind
from kpis.values import value_columns
from plans.models import BasicPolicy, Strategy

FY = 2024


@dataclass
class City:
    """One city's round and the rows the actions act on."""

    strategy: Strategy
    entry_round: EntryRound
    draft: YearlyValue
    submitted: YearlyValue
    waiting: YearlyValue  # first approved: waiting for the DX office
    approved: YearlyValue
    text_waiting: RoundText
    text_approved: RoundText
    secrets: tuple[str, ...]  # figures and comments of drafts and rows under review
    markers: tuple[str, ...] = field(default=())  # everything naming the city's plans, and the secrets

    @property
    def code(self) -> str:
        return self.strategy.code

    @property
    def department_id(self) -> int:
        return self.draft.indicator.responsible_department_id

    @property
    def municipality_id(self) -> int:
        return self.strategy.municipality_id


def _set(value: YearlyValue, status: str, actual: str, comment: str) -> YearlyValue:
    YearlyValue.objects.filter(pk=value.pk).update(status=status, comment=comment, **value_columns("actual", actual))
    value.refresh_from_db()
    return value


def _text(strategy, policy, kind, department_id, status, text) -> RoundText:
    row, _created = RoundText.objects.update_or_create(
        strategy=strategy, fiscal_year=FY, basic_policy=policy, kind=kind,
        defaults={"department_id": department_id, "status": status, "text": text},
    )
    return row


def build_city(code: str, figures: tuple[str, str, str], *, open_round: bool) -> City:
    """`figures`: the unapproved actuals of the draft, the submitted row and the row waiting for
    the DX office (below 1,000, so the pages print them as written)."""
    strategy = Strategy.objects.select_related("municipality").get(code=code)
    if open_round:
        now = timezone.now()
        entry_round = EntryRound.objects.create(strategy=strategy, fiscal_year=FY, opens_at=now - timedelta(days=2),
                                                deadline=now + timedelta(days=7))
        workflow.entry_rows_ensure(strategy=strategy, fiscal_year=FY)
    else:
        entry_round = EntryRound.objects.get(strategy=strategy, fiscal_year=FY)
    rows = list(YearlyValue.objects.filter(indicator__strategy=strategy, fiscal_year=FY,
                                           indicator__responsible_department__isnull=False)
                .select_related("indicator").order_by("indicator__order", "pk")[:4])
    secret_comment = f"{strategy.municipality.name}の未承認コメント"
    secret_text = f"{strategy.municipality.name}の未承認の総括"
    draft = _set(rows[0], EntryStatus.DRAFT, figures[0], secret_comment)
    submitted = _set(rows[1], EntryStatus.SUBMITTED, figures[1], secret_comment + "（提出）")
    waiting = _set(rows[2], EntryStatus.FIRST_APPROVED, figures[2], secret_comment + "（一次承認）")
    approved = _set(rows[3], EntryStatus.APPROVED, "42", "承認済みの説明")
    policy = BasicPolicy.objects.filter(strategy=strategy).order_by("order", "pk").first()
    text_waiting = _text(strategy, policy, RoundTextKind.GOAL, draft.indicator.responsible_department_id,
                         EntryStatus.FIRST_APPROVED, secret_text)
    text_approved = _text(strategy, policy, RoundTextKind.SUMMARY, draft.indicator.responsible_department_id,
                          EntryStatus.APPROVED, "承認済みの総括")
    secrets = (*figures, secret_comment, secret_text)
    titles = tuple(Strategy.objects.filter(municipality_id=strategy.municipality_id).values_list("title", flat=True))
    names = tuple(row.indicator.name for row in rows if len(row.indicator.name) >= 6)
    return City(strategy, entry_round, draft, submitted, waiting, approved, text_waiting, text_approved, secrets,
                markers=(*titles, *names, *secrets))


def build_cities() -> dict[str, City]:
    return {
        "sasebo": build_city("sasebo-dx", ("918.27", "729.81", "182.73"), open_round=False),
        "nagasaki": build_city("nagasaki-h", ("987.65", "567.89", "876.54"), open_round=True),
    }


def snapshot(city: City) -> dict:
    """Everything the entry round may change in the city's plans: compared before and after."""
    strategies = Strategy.objects.filter(municipality_id=city.municipality_id)
    return {
        "values": list(YearlyValue.objects.filter(indicator__strategy__in=strategies).order_by("pk").values()),
        "texts": list(RoundText.objects.filter(strategy__in=strategies).order_by("pk").values()),
        "rounds": list(EntryRound.objects.filter(strategy__in=strategies).order_by("pk").values()),
        "review_events": ReviewEvent.objects.filter(yearly_value__indicator__strategy__in=strategies).count(),
        "text_events": RoundTextEvent.objects.filter(round_text__strategy__in=strategies).count(),
        "revisions": TargetRevision.objects.filter(yearly_value__indicator__strategy__in=strategies).count(),
        "round_events": EntryRoundEvent.objects.filter(entry_round__strategy__in=strategies).count(),
    }


def leaks(text: str, city: City) -> list[str]:
    """The markers of `city` found in `text`."""
    return [marker for marker in city.markers if marker and marker in text]
