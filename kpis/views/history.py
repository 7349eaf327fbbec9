"""History of changes: who changed what, when, from what to what, and why.

Per indicator (all its fiscal years) and per department (one fiscal year). Only
people who may see every value of those rows may read their history: the DX
office, administrators, and the department's own staff and managers; drafts of
other departments must not leak through their history. Another city's indicator, plan or
department answers 404; nobody outside the city (a wide-area viewer, the operator) reads it.
"""

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from kpis import permissions, selectors_entry
from kpis.models import Indicator
from kpis.views import refused
from plans.gates import strategy_or_404
from plans.models import Department

HISTORY_LIMIT = 1000


@login_required
def indicator_history(request, pk):
    indicator = get_object_or_404(Indicator.objects.select_related("strategy", "responsible_department").filter(
        permissions.strategies_q(request.user, "strategy__")), pk=pk)
    if not permissions.can_read_review_trail(request.user, department_id=indicator.responsible_department_id,
                                               municipality_id=indicator.strategy.municipality_id):
        return refused(request, _("Only the department in charge, the DX office and administrators can read this history."))
    entries = selectors_entry.value_history(values_filter=Q(indicator=indicator), limit=HISTORY_LIMIT)
    return render(request, "kpis/history.html", {
        "strategy": indicator.strategy, "indicator": indicator, "entries": entries, "limit": HISTORY_LIMIT,
    })


@login_required
def department_history(request, strategy, fiscal_year):
    user = request.user
    strategy = strategy_or_404(user, strategy)
    wanted = request.GET.get("department", "")
    department_id = int(wanted) if wanted.isdigit() else user.department_id
    department = get_object_or_404(Department.objects.select_related("parent"), pk=department_id,
                                   municipality_id=strategy.municipality_id) if department_id else None
    if department is None or not permissions.can_read_review_trail(
            user, department_id=department.pk, municipality_id=strategy.municipality_id):
        return refused(request, _("Only the department in charge, the DX office and administrators can read this history."))
    entries = selectors_entry.value_history(
        values_filter=Q(indicator__strategy=strategy, fiscal_year=fiscal_year,
                        indicator__responsible_department=department),
        limit=HISTORY_LIMIT,
    )
    return render(request, "kpis/history.html", {
        "strategy": strategy, "fiscal_year": fiscal_year, "department": department, "entries": entries,
        "limit": HISTORY_LIMIT,
    })
