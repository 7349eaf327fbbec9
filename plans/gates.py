"""The one way a view, the API or a command gets a plan by its code: within the boundary.

Like zulip's access_stream_by_id: a plan of a city the user may not open answers exactly as
one that does not exist (404), so a guessed code says nothing about another city.
"""

from django.http import Http404
from django.utils.translation import gettext as _

from plans import boundary
from plans.models import Strategy


def readable_strategies(user, queryset=None):
    """The plans the user may open (its own city's, or the granted cities')."""
    queryset = Strategy.objects.all() if queryset is None else queryset
    return queryset.filter(boundary.readable_q(user, "municipality_id"))


def strategy_or_404(user, code: str, queryset=None) -> Strategy:
    """The plan `code` if the user may open it, else Http404 (the same for another city's plan)."""
    strategy = readable_strategies(user, queryset).select_related("municipality").filter(code=code).first()
    if strategy is None:
        raise Http404(_("No such plan."))
    return strategy
