"""The entry window has one rule, EntryRound.is_open_for_entry, and one SQL twin,
EntryRound.open_q: both agree at the boundaries (opens_at inclusive, deadline exclusive,
a closed year closed whatever the dates), and the refusals and banners follow them."""

from datetime import datetime, timedelta
from datetime import timezone as tz

import pytest
from django.utils.translation import gettext as _

from kpis import permissions
from kpis.models import EntryRound, EntryStatus, YearlyValue
from kpis.models.entry import WINDOW_CLOSED, WINDOW_ENDED, WINDOW_OPEN, WINDOW_UPCOMING
from kpis.views import WINDOW_NONE, window_state
from plans.models import Role, User
from tests.factories import small_round

OPENS = datetime(2026, 4, 1, 9, 0, tzinfo=tz.utc)
DEADLINE = datetime(2026, 5, 31, 17, 0, tzinfo=tz.utc)
TICK = timedelta(microseconds=1)

# (moment, window of an unclosed round)
MOMENTS = [
    (OPENS - TICK, WINDOW_UPCOMING),
    (OPENS, WINDOW_OPEN),
    (OPENS + TICK, WINDOW_OPEN),
    (DEADLINE - TICK, WINDOW_OPEN),
    (DEADLINE, WINDOW_ENDED),
    (DEADLINE + TICK, WINDOW_ENDED),
]

REFUSALS = {  # the messages, unchanged (translated when compared)
    WINDOW_UPCOMING: "The entry period has not started yet.",
    WINDOW_OPEN: None,
    WINDOW_ENDED: "The entry period has ended.",
    WINDOW_CLOSED: "The DX office has closed this fiscal year.",
}


def _refusal(window):
    return None if REFUSALS[window] is None else _(REFUSALS[window])


@pytest.fixture
def scene(db):
    """One department's row in a round of a small strategy of its own."""
    built = small_round("window", "窓口市", first_fiscal_year=2025, last_fiscal_year=2027, status=EntryStatus.DRAFT,
                        opens_at=OPENS, deadline=DEADLINE)
    department, value, entry_round = built.department, built.value, built.entry_round
    clerk = User.objects.create_user(username="window-clerk", role=Role.STAFF, department=department)
    return entry_round, YearlyValue.objects.select_related("indicator__strategy").get(pk=value.pk), clerk


def _open_in_sql(entry_round, now) -> bool:
    return EntryRound.objects.filter(EntryRound.open_q(now), pk=entry_round.pk).exists()


@pytest.mark.parametrize(("now", "window"), MOMENTS)
def test_python_and_sql_agree_at_the_boundaries(scene, now, window):
    entry_round, value, clerk = scene
    assert entry_round.window_at(now) == window
    assert window_state(entry_round, now) == window
    assert entry_round.is_open_for_entry(now) is (window == WINDOW_OPEN)
    assert _open_in_sql(entry_round, now) is (window == WINDOW_OPEN)
    assert permissions.entry_refusal(clerk, value, entry_round=entry_round, now=now) == _refusal(window)


@pytest.mark.parametrize(("now", "_window"), MOMENTS)
def test_a_closed_year_is_closed_at_every_moment(scene, now, _window):
    entry_round, value, clerk = scene
    entry_round.closed_at = OPENS + timedelta(days=1)
    entry_round.save(update_fields=["closed_at"])
    assert entry_round.window_at(now) == WINDOW_CLOSED
    assert entry_round.is_open_for_entry(now) is False
    assert _open_in_sql(entry_round, now) is False
    assert permissions.entry_refusal(clerk, value, entry_round=entry_round, now=now) == _refusal(WINDOW_CLOSED)


def test_no_round_is_its_own_state():
    assert window_state(None) == WINDOW_NONE
