"""Publishing and withdrawing a fiscal year of a strategy (the portal's only writes).

Which years may be published: a year whose entry round the DX office closed. A year with
no entry round (figures imported from the printed plan, before dxplan ran the round) may be
published once it has ended (its 31 March is past): there is no round left to close. An open
round, or a year not yet over without one, is refused.

Only the DX office and administrators of the plan's own city publish, correct and withdraw
(kpis.permissions.can_publish, then plans.boundary): another city's plan is refused, unchanged.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kpis.models import EntryRound
from kpis.permissions import can_publish
from plans import boundary, fiscal_years
from plans.background import enqueue_on_commit
from plans.models import Strategy
from public.models import DEFAULT_LICENCE, Publication, PublicationStatus
from public.snapshot import snapshot_build
from public.tasks import warm_publication_pages

logger = logging.getLogger(__name__)

REASON_MAX_LENGTH = 2000
LICENCE_MAX_LENGTH = Publication._meta.get_field("licence").max_length


def year_refusal(*, strategy, fiscal_year: int, today=None) -> str | None:
    """Why this fiscal year of the strategy may not be published now, or None."""
    if not strategy.first_fiscal_year <= fiscal_year <= strategy.last_fiscal_year:
        return _("%(year)s is not a fiscal year of this plan.") % {"year": fiscal_years.display_label(fiscal_year)}
    entry_round = EntryRound.objects.filter(strategy=strategy, fiscal_year=fiscal_year).first()
    if entry_round is not None:
        if not entry_round.is_closed:
            return _("The entry round of %(year)s is not closed yet: close the year before publishing it.") % {
                "year": fiscal_years.display_label(fiscal_year)}
        return None
    today = today or timezone.localdate()
    if fiscal_year >= fiscal_years.fiscal_year_of(today):
        return _("%(year)s has not ended and has no entry round to close: it cannot be published yet.") % {
            "year": fiscal_years.display_label(fiscal_year)}
    return None


def check_publisher(user, municipality_id: int | None) -> None:
    """Raise PermissionDenied with the reason unless `user` publishes plans of `municipality_id`
    (the DX office and administrators of that city). Also asked by public.jobs before queueing."""
    if not can_publish(user):
        raise PermissionDenied(_("Only the DX office and administrators publish."))
    if not boundary.works_in(user, municipality_id):
        raise PermissionDenied(boundary.refusal(user, municipality_id))


def check_texts(*, reason: str, licence: str) -> None:
    """The bounds of a publication's reason and licence (stripped)."""
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(_("The reason is too long (at most %(n)d characters).") % {"n": REASON_MAX_LENGTH})
    if len(licence) > LICENCE_MAX_LENGTH:
        raise ValidationError(_("The licence is too long (at most %(n)d characters).") % {"n": LICENCE_MAX_LENGTH})


@transaction.atomic
def publication_publish(*, user, strategy: Strategy, fiscal_year: int, reason: str = "",
                        licence: str = DEFAULT_LICENCE) -> Publication:
    """Freeze the approved figures and texts of the year as a new publication. When the year is
    already published, the new one is a correction: `reason` (required then) withdraws the old
    one, which the new one `replaces`; a year withdrawn earlier is replaced likewise."""
    check_publisher(user, strategy.municipality_id)
    strategy = Strategy.objects.select_for_update().select_related("municipality").get(pk=strategy.pk)
    refusal = year_refusal(strategy=strategy, fiscal_year=fiscal_year)
    if refusal:
        raise ValidationError(refusal)
    reason, licence = reason.strip(), licence.strip() or DEFAULT_LICENCE
    check_texts(reason=reason, licence=licence)
    latest = Publication.objects.filter(strategy=strategy, fiscal_year=fiscal_year).order_by("-published_at",
                                                                                             "-pk").first()
    now = timezone.now()
    if latest is not None and latest.is_published:
        if not reason:
            raise ValidationError(_("This year is already published: give the reason for the correction."))
        _withdraw(latest, user=user, reason=reason, now=now)
    document = snapshot_build(strategy=strategy, fiscal_year=fiscal_year, published_at=now, licence=licence)
    publication = Publication.objects.create(strategy=strategy, fiscal_year=fiscal_year, licence=licence,
                                             document=document, published_at=now, published_by=user,
                                             replaces=latest)
    # Its pages are built ahead for the first reader; if the queue is down, they are built at first read.
    enqueue_on_commit(warm_publication_pages, publication.pk,
                      on_unavailable=lambda message: logger.warning("pages of publication %s not built ahead: %s",
                                                                    publication.pk, message))
    return publication


@transaction.atomic
def publication_withdraw(*, user, publication: Publication, reason: str) -> Publication:
    """Take a publication off the portal, with the reason (kept with it)."""
    check_publisher(user, Strategy.objects.filter(pk=publication.strategy_id).values_list(
        "municipality_id", flat=True).first())
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Give the reason for withdrawing the publication."))
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(_("The reason is too long (at most %(n)d characters).") % {"n": REASON_MAX_LENGTH})
    _withdraw(publication, user=user, reason=reason, now=timezone.now())
    publication.refresh_from_db()
    return publication


def _withdraw(publication: Publication, *, user, reason: str, now) -> None:
    """Withdraw only if still published (a conditional update: two people withdrawing at once
    cannot both succeed, and a withdrawn publication keeps its first reason)."""
    done = Publication.objects.filter(pk=publication.pk, status=PublicationStatus.PUBLISHED).update(
        status=PublicationStatus.WITHDRAWN, withdrawn_at=now, withdrawn_by=user, withdrawn_reason=reason,
    )
    if not done:
        raise ValidationError(_("This publication has already been withdrawn."))
