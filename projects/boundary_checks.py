"""Projects that point at another city (manage.py check_boundary)."""

from django.utils.translation import gettext as _

from plans.boundary_checks import cross_city, register
from projects.models import Project


@register
def projects() -> list[str]:
    found = cross_city(Project.objects.all(), home="strategy__municipality", other="lead_department__municipality",
                       what=_("its lead department"))
    found += cross_city(Project.objects.all(), home="strategy__municipality",
                        other="measure__basic_policy__strategy__municipality", what=Project._meta.get_field(
                            "measure").verbose_name)
    through = Project.co_departments.through.objects.select_related("project")
    found += cross_city(through, home="project__strategy__municipality", other="department__municipality",
                        what=_("a co-operating department"), name=lambda row: str(row.project))
    return found
