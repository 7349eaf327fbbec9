"""Rows of indicators and the entry round that point at another city (manage.py check_boundary)."""

from django.utils.translation import gettext as _

from kpis.models import Indicator, ReminderLog, RoundText
from plans.boundary_checks import cross_city, register


@register
def indicators_and_round() -> list[str]:
    found = cross_city(Indicator.objects.all(), home="strategy__municipality",
                       other="responsible_department__municipality", what=_("its responsible department"))
    for owner, path in (("basic_policy", "basic_policy__strategy"), ("measure", "measure__basic_policy__strategy"),
                        ("project", "project__strategy")):
        found += cross_city(Indicator.objects.all(), home="strategy__municipality", other=f"{path}__municipality",
                            what=Indicator._meta.get_field(owner).verbose_name)
    found += cross_city(RoundText.objects.all(), home="strategy__municipality", other="department__municipality",
                        what=_("its department"))
    found += cross_city(ReminderLog.objects.all(), home="entry_round__strategy__municipality",
                        other="department__municipality", what=_("its department"))
    return found
