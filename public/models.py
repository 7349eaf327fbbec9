"""A publication: one fiscal year of a strategy as the public sees it, frozen when published."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from plans.fiscal_years import era_label
from plans.models import Strategy

DEFAULT_LICENCE = "CC BY 4.0"


class PublicationStatus(models.TextChoices):
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Publication(models.Model):
    """The approved figures, texts, grades and revisions of a strategy's fiscal year as of the
    moment it was published (`document`, built by public.snapshot). Nothing changes it after
    publishing except withdrawing it; a correction is a new publication that `replaces` it."""

    strategy = models.ForeignKey(Strategy, on_delete=models.PROTECT, related_name="publications",
                                 verbose_name=_("strategy"))
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    status = models.CharField(_("status"), max_length=10, choices=PublicationStatus.choices,
                              default=PublicationStatus.PUBLISHED)
    licence = models.CharField(_("licence"), max_length=100, default=DEFAULT_LICENCE)
    document = models.JSONField(_("snapshot"), editable=False)
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                     related_name="+", verbose_name=_("published by"))
    replaces = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="replaced_by", verbose_name=_("corrects"))
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("withdrawn by"))
    withdrawn_reason = models.TextField(_("reason for withdrawing"), blank=True)

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["strategy", "-fiscal_year", "-published_at"]
        constraints = [
            # At most one publication of a year is public at a time.
            models.UniqueConstraint(fields=["strategy", "fiscal_year"], condition=Q(status="published"),
                                    name="publication_one_published_per_year"),
            models.CheckConstraint(
                condition=Q(status="published", withdrawn_at__isnull=True)
                | Q(status="withdrawn", withdrawn_at__isnull=False),
                name="publication_withdrawn_has_date",
            ),
        ]

    def __str__(self):
        return f"{self.strategy} {era_label(self.fiscal_year)} ({self.get_status_display()})"

    @property
    def is_published(self) -> bool:
        return self.status == PublicationStatus.PUBLISHED
