"""Role flags for every template, from kpis.permissions: templates ask `may.review`,
never compare `user.role` strings, so a rule changed there changes the pages too."""

from functools import cached_property

from django.contrib.auth.models import AnonymousUser

from kpis import permissions as rules
from plans import boundary


class Flags:
    """What the signed-in user may do, each flag asked of kpis.permissions on first use
    (a page that shows none of them costs nothing). All false for an anonymous user."""

    def __init__(self, user):
        self._user = user if user is not None else AnonymousUser()

    def _ask(self, rule) -> bool:
        return bool(self._user.is_authenticated and rule(self._user))

    @cached_property
    def review(self) -> bool:
        """Open the review queue: managers, the DX office, administrators."""
        return self._ask(rules.is_reviewer)

    @cached_property
    def review_first(self) -> bool:
        """The first review, of the own department only: department managers."""
        return self._ask(rules.reviews_first)

    @cached_property
    def see_every_department(self) -> bool:
        """Every department's values and pages: the DX office, administrators."""
        return self._ask(rules.is_dx_office)

    @cached_property
    def manage_rounds(self) -> bool:
        return self._ask(rules.can_manage_rounds)

    @cached_property
    def revise_targets(self) -> bool:
        return self._ask(rules.can_revise_target)

    @cached_property
    def reopen(self) -> bool:
        return self._ask(rules.can_reopen)

    @cached_property
    def use_reports(self) -> bool:
        return self._ask(rules.can_use_reports)

    @cached_property
    def publish(self) -> bool:
        return self._ask(rules.can_publish)

    @cached_property
    def import_plans(self) -> bool:
        return self._ask(rules.can_import)

    @cached_property
    def compare_cities(self) -> bool:
        """The comparison of cities in the navigation: wide-area viewers (and the operator),
        who read several cities' approved figures (plans.boundary)."""
        return self._ask(boundary.reads_approved_only)


def permissions(request) -> dict:
    """`may`: the Flags of the request's user (registered in settings.TEMPLATES)."""
    return {"may": Flags(getattr(request, "user", None))}
