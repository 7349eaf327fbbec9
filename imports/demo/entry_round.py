"""An open entry period in the demo, so each role can walk through the year-end round.

Sasebo's printed actuals end with 令和5年度 (FY2023), so the demo asks the
departments for 令和6年度 (FY2024). The period is set relative to the day the
demo is first loaded (open for 30 more days) and left alone afterwards.
"""

from datetime import timedelta

from django.utils import timezone

from kpis.models import EntryRound, RoundText, YearlyValue
from kpis.text_workflow import round_texts_ensure
from kpis.workflow import entry_rows_ensure
from plans.models import Strategy

DEMO_FISCAL_YEAR = 2024


def load(tally):
    strategy = Strategy.objects.get(code="sasebo-dx")
    if EntryRound.objects.filter(strategy=strategy, fiscal_year=DEMO_FISCAL_YEAR).exists():
        tally.record(EntryRound, "unchanged")
        # A demo loaded before the round had texts gets them now (existing rows stay as they are).
        created = round_texts_ensure(strategy=strategy, fiscal_year=DEMO_FISCAL_YEAR)
        if created:
            tally.record(RoundText, "created", created)
        return
    now = timezone.now()
    EntryRound.objects.create(
        strategy=strategy, fiscal_year=DEMO_FISCAL_YEAR, opens_at=now - timedelta(days=7), deadline=now + timedelta(days=30)
    )
    tally.record(EntryRound, "created")
    tally.record(YearlyValue, "created", entry_rows_ensure(strategy=strategy, fiscal_year=DEMO_FISCAL_YEAR))
