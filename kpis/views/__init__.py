"""Pages of the yearly entry round: the entry grid (entry), review, entry periods
(rounds), the submission tracker and the history of changes.

Views read through kpis.selectors_entry, write through kpis.workflow and show
the refusals of kpis.permissions as they are; nothing here decides a rule.

The municipality boundary (plans.boundary): a plan comes from plans.gates.strategy_or_404
(another city's plan answers 404, as a missing one), a row by its id only among the plans
the user may open (kpis.permissions.strategies_q), and a department only of the plan's city.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from kpis.models.entry import WINDOW_CLOSED, WINDOW_ENDED, WINDOW_NONE, WINDOW_OPEN, WINDOW_UPCOMING

__all__ = [  # the window states are re-exported for the views
    "WINDOW_CLOSED", "WINDOW_ENDED", "WINDOW_NONE", "WINDOW_OPEN", "WINDOW_UPCOMING",
    "apply_errors", "refused", "safe_next", "submit_form", "window_state",
]


def window_state(entry_round, now=None) -> str:
    """Where the entry period of a round stands, for the banner at the top of the pages
    (EntryRound.window_at; WINDOW_NONE without a round)."""
    return WINDOW_NONE if entry_round is None else entry_round.window_at(now)


def safe_next(request, default: str) -> str:
    """The page to return to after a form (a `next` on this site only), else `default`."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def apply_errors(form, error) -> None:
    """Put a service's ValidationError on the form, on the field it names when the form has it."""
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


def refused(request, reason: str, *, status: int = 403):
    """A page saying why the user may not do this, in their language."""
    return render(request, "kpis/refused.html", {"reason": reason}, status=status)


def submit_form(request, form, action, *, success: str, to: str):
    """Run `action()`, a kpis.workflow call, for a valid POSTed form. A refusal becomes the
    refusal page, a ValidationError lands on the form (None: show the form again); on
    success the message `success` (or the one `action` returns) is shown and the user is
    redirected to `to`."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        outcome = action()
    except PermissionDenied as error:
        return refused(request, str(error))
    except ValidationError as error:
        apply_errors(form, error)
        return None
    if isinstance(outcome, tuple):  # (level, message) chosen by the action
        getattr(messages, outcome[0])(request, outcome[1])
    else:
        messages.success(request, success)
    return redirect(to)
