"""What cannot be placed in one municipality: the checks of `manage.py check_boundary`.

Each app lists the checks of its own models in its `boundary_checks` module (found like
admin.py, so plans never imports the apps above it) by decorating a function that returns
problems as text in the reader's language. A problem is a row the boundary (plans.boundary)
cannot place: an account or directory mapping of a city role without a municipality
(plans.placement), or a row pointing at another city's department or plan.
"""

from collections.abc import Callable

from django.db.models import F
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _

from plans import placement
from plans.models import BasicPolicy, Department, DirectoryGroupMapping, Measure, User

_CHECKS: list[Callable[[], list[str]]] = []


def register(check: Callable[[], list[str]]) -> Callable[[], list[str]]:
    _CHECKS.append(check)
    return check


def problems() -> list[str]:
    """Every problem of every app's checks (an empty list: everything is placed)."""
    autodiscover_modules("boundary_checks")
    return [problem for check in _CHECKS for problem in check()]


def cross_city(queryset, *, home: str, other: str, what, name: Callable = str) -> list[str]:
    """The rows of `queryset` whose `other` municipality (a path to a Municipality) is set and is
    not their `home` one; `what` names the relation, `name` the row."""
    rows = (
        queryset.filter(**{f"{other}__isnull": False})
        .exclude(**{f"{other}_id": F(f"{home}_id")})
        .annotate(home_name=F(f"{home}__name"), other_name=F(f"{other}__name"))
        .order_by("pk")
    )
    model = str(queryset.model._meta.verbose_name)
    return [
        _("%(model)s “%(name)s” (%(city)s): %(what)s belongs to another municipality, %(other)s.") % {
            "model": model, "name": name(row), "city": row.home_name or _("no municipality"), "what": what,
            "other": row.other_name,
        }
        for row in rows
    ]


@register
def unplaced_accounts() -> list[str]:
    return [_("Not placed in a municipality: %(what)s") % {"what": what}
            for what in placement.unplaced(User, DirectoryGroupMapping)]


@register
def organisation() -> list[str]:
    return [
        *cross_city(User.objects.all(), home="municipality", other="department__municipality",
                    what=_("its department"), name=lambda user: user.username),
        *cross_city(DirectoryGroupMapping.objects.all(), home="municipality", other="department__municipality",
                    what=_("its department")),
        *cross_city(Department.objects.all(), home="municipality", other="parent__municipality",
                    what=_("its parent department")),
    ]


@register
def plan_tree() -> list[str]:
    found = []
    for model, strategy in ((BasicPolicy, "strategy"), (Measure, "basic_policy__strategy")):
        found += cross_city(model.objects.all(), home=f"{strategy}__municipality",
                            other="lead_department__municipality", what=_("its lead department"))
        through = model.co_departments.through.objects.select_related(model._meta.model_name)
        found += cross_city(through, home=f"{model._meta.model_name}__{strategy}__municipality",
                            other="department__municipality", what=_("a co-operating department"),
                            name=lambda row, field=model._meta.model_name: str(getattr(row, field)))
    return found
