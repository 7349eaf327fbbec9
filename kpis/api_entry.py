"""Write actions of the entry round in the REST API, with the same rules and messages as the web.

- POST /api/v1/yearly-values/{id}/save/ {actual, comment, version}: save a draft
- POST /api/v1/yearly-values/{id}/submit/ · approve/ {comment} · return/ {comment} · reopen/ {reason}
- POST /api/v1/yearly-values/{id}/revise-target/ {planned, reason}
- POST /api/v1/yearly-values/bulk-submit/ {ids} · bulk-approve/ {ids, comment}: all or none
- /api/v1/entry-rounds/: list and read (everyone logged in: staff need the deadline); create,
  reschedule (PATCH), close/ {reason}, reopen/ {reason} (DX office and administrators)

Rows of a municipality the user may not read answer as missing (404; in a batch, 400 naming the
ids, as for ids that do not exist), and nothing of the batch is done; rows the user reads but
does not work on (a wide-area viewer's granted city) are refused with the boundary's reason (403)
before any service runs. Every action calls a kpis.workflow service, which checks kpis.permissions. Its refusals map to
403 with the reason, its validation errors to 400 with field errors, and an edit conflict to
409 with the row as the other person saved it. Input serializers check shape, and say
in the schema which texts are required (a return's comment, a reopen's or revision's reason), so
a client learns it from /api/schema/; the services check them again for the web.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.settings import api_settings

from kpis import workflow
from kpis.api import FlatYearlyValueSerializer, ValueSerializer, YearlyValueViewSet
from kpis.models import EntryRound, EntryStatus, YearlyValue
from kpis.permissions import can_manage_rounds
from kpis.values import MAX_TEXT
from plans import boundary
from plans.api import WithinBoundary, refuse_outside, strategy_filter
from plans.api_query import MAX_ID, FiscalYearFilter, StrictFilterSet
from plans.models import Strategy

MAX_BATCH = 2000

# --- errors ---------------------------------------------------------------------------------


class ConflictRowSerializer(serializers.Serializer):
    """The row as someone else saved it after the client read it."""

    id = serializers.IntegerField()
    version = serializers.IntegerField()
    status = serializers.ChoiceField(choices=EntryStatus.choices)
    actual = ValueSerializer()
    comment = serializers.CharField()
    updated_by = serializers.SerializerMethodField()
    updated_at = serializers.DateTimeField()

    def get_updated_by(self, obj) -> str | None:
        user = obj.updated_by
        return None if user is None else user.display_name


class ConflictSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="Who saved what; the change sent was not saved.")
    current = ConflictRowSerializer()


class EditConflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"

    def __init__(self, conflict: workflow.EntryConflict):
        super().__init__(str(conflict))
        # A plain dict: DRF would turn the row's numbers and nulls into error strings.
        self.detail = {"detail": str(conflict), "current": ConflictRowSerializer(conflict.current).data}


def _call(service, **kwargs):
    """Run a workflow service, turning its refusals into API errors."""
    try:
        return service(**kwargs)
    except DjangoPermissionDenied as error:
        raise exceptions.PermissionDenied(str(error) or None) from None
    except DjangoValidationError as error:
        detail = error.message_dict if hasattr(error, "error_dict") else {api_settings.NON_FIELD_ERRORS_KEY: error.messages}
        raise exceptions.ValidationError(detail) from None
    except workflow.EntryConflict as conflict:
        raise EditConflict(conflict) from None


def _valid(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# --- yearly values ----------------------------------------------------------------------------


class SaveSerializer(serializers.Serializer):
    actual = serializers.CharField(
        allow_blank=True, max_length=MAX_TEXT, help_text="As typed: 12,345 / １２，３４５ / 5.5% / － / … / empty."
    )
    comment = serializers.CharField(allow_blank=True, help_text="The evaluation comment (進捗状況・評価).")
    version = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="The row's version when you read it.")


class CommentSerializer(serializers.Serializer):
    comment = serializers.CharField(allow_blank=True, required=False, default="")


RETURN_WITHOUT_COMMENT = gettext_lazy("Say what the department should correct when returning a row.")  # as workflow


class ReturnSerializer(serializers.Serializer):
    comment = serializers.CharField(help_text="What the department should correct (required).", error_messages={
        "required": RETURN_WITHOUT_COMMENT, "blank": RETURN_WITHOUT_COMMENT})


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, required=False, default="")


class RequiredReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text="Why (required; kept in the row's history).")


class ReviseTargetSerializer(serializers.Serializer):
    planned = serializers.CharField(allow_blank=True, max_length=MAX_TEXT, help_text="The new planned value.")
    reason = serializers.CharField(help_text="Why the target changes (required).")


class IdsSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), min_length=1, max_length=MAX_BATCH, help_text="Yearly value ids."
    )


class BulkApproveSerializer(IdsSerializer):
    comment = serializers.CharField(allow_blank=True, required=False, default="")


class EntryRowsSerializer(serializers.Serializer):
    results = FlatYearlyValueSerializer(many=True, help_text="The rows as they are now.")


REFUSALS = {
    400: OpenApiResponse(description="Invalid input; field errors with the reason."),
    403: OpenApiResponse(description="Not allowed for you or not now; `detail` says why."),
}


def _row_action(request_serializer, summary, *, extra=None, url_path=None):
    responses = {200: FlatYearlyValueSerializer, **REFUSALS, **(extra or {})}
    return lambda method: extend_schema(request=request_serializer, responses=responses, summary=summary)(
        action(detail=True, methods=["post"], url_path=url_path)(method)
    )


def _batch_action(request_serializer, summary, *, url_path):
    return lambda method: extend_schema(
        request=request_serializer, responses={200: EntryRowsSerializer, **REFUSALS}, summary=summary, filters=False
    )(action(detail=False, methods=["post"], url_path=url_path)(method))


class YearlyValueEntryViewSet(YearlyValueViewSet):
    """Yearly values one per row, and the entry round's actions on them."""

    def _row(self, pk):
        return Response(self.get_serializer(self.get_queryset().get(pk=pk)).data)

    def _written(self, value):
        """The row as the service wrote and returned it (locked, its indicator and strategy
        joined): no third read of a row just saved."""
        return Response(self.get_serializer(value).data)

    def _rows(self, values):
        rows = self.get_queryset().filter(pk__in=[value.pk for value in values])
        return Response({"results": self.get_serializer(rows, many=True).data})

    def _writable(self) -> YearlyValue:
        """The row of the URL: 404 outside the readable cities, 403 (the boundary's reason) in a
        city the user reads but does not work in."""
        value = self.get_object()
        refuse_outside(self.request.user, value.indicator.strategy.municipality_id)
        return value

    def _batch(self, ids) -> list[YearlyValue]:
        """The rows of a batch, all or none: ids that do not exist or lie outside the readable
        cities are named alike (400), rows of a city the user does not work in refuse the whole
        batch (403)."""
        ids = set(ids)
        readable = boundary.readable_q(self.request.user, "indicator__strategy__municipality_id")
        rows = YearlyValue.objects.filter(readable, pk__in=ids).values_list("pk", "indicator__strategy__municipality_id")
        unknown = sorted(ids - {pk for pk, _city in rows})
        if unknown:
            raise exceptions.ValidationError(
                {"ids": [_("No yearly value has the id %(ids)s.") % {"ids": ", ".join(map(str, unknown))}]}
            )
        for city in sorted({city for _pk, city in rows}):
            refuse_outside(self.request.user, city)
        return [YearlyValue(pk=pk) for pk, _city in rows]

    @_row_action(SaveSerializer, "Save a draft of the actual and the comment", extra={
        409: OpenApiResponse(ConflictSerializer, description="Someone saved the row after you read it."),
    })
    def save(self, request, pk=None):
        data = _valid(SaveSerializer, request)
        value = _call(workflow.entry_save, user=request.user, yearly_value=self._writable(), actual=data["actual"],
                      comment=data["comment"], expected_version=data["version"])
        return self._written(value)

    @_row_action(None, "Submit the row for review")
    def submit(self, request, pk=None):
        (value,) = _call(workflow.entry_submit, user=request.user, yearly_values=[self._writable()])
        return self._written(value)

    @_row_action(CommentSerializer, "Approve the row in your review stage")
    def approve(self, request, pk=None):
        data = _valid(CommentSerializer, request)
        (value,) = _call(workflow.review_approve, user=request.user, yearly_values=[self._writable()],
                         comment=data["comment"])
        return self._written(value)

    @_row_action(ReturnSerializer, "Return the row to its department, saying what to correct", url_path="return")
    def return_to_department(self, request, pk=None):
        data = _valid(ReturnSerializer, request)
        value = _call(workflow.review_return, user=request.user, yearly_value=self._writable(),
                      comment=data["comment"])
        return self._written(value)

    @_row_action(RequiredReasonSerializer, "Reopen an approved row (administrators)")
    def reopen(self, request, pk=None):
        data = _valid(RequiredReasonSerializer, request)
        value = self._writable()
        _call(workflow.value_reopen, user=request.user, yearly_value=value, reason=data["reason"])
        return self._row(value.pk)

    @_row_action(ReviseTargetSerializer, "Revise the planned value, with the reason", url_path="revise-target")
    def revise_target(self, request, pk=None):
        data = _valid(ReviseTargetSerializer, request)
        value = self._writable()
        _call(workflow.target_revise, user=request.user, yearly_value=value, planned=data["planned"],
              reason=data["reason"])
        return self._row(value.pk)

    @_batch_action(IdsSerializer, "Submit several rows: all or none", url_path="bulk-submit")
    def bulk_submit(self, request):
        values = self._batch(_valid(IdsSerializer, request)["ids"])
        return self._rows(_call(workflow.entry_submit, user=request.user, yearly_values=values))

    @_batch_action(BulkApproveSerializer, "Approve several rows: all or none", url_path="bulk-approve")
    def bulk_approve(self, request):
        data = _valid(BulkApproveSerializer, request)
        values = self._batch(data["ids"])
        return self._rows(_call(workflow.review_approve, user=request.user, yearly_values=values,
                                comment=data["comment"]))


# --- entry rounds ---------------------------------------------------------------------------


class EntryRoundSerializer(serializers.ModelSerializer):
    strategy = serializers.SlugRelatedField(slug_field="code", queryset=Strategy.objects.all())
    reminder_days = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=90), required=False,
        help_text="Days before the deadline on which departments with missing or returned rows get an e-mail.",
    )
    is_open = serializers.SerializerMethodField(help_text="Whether departments can enter values now.")
    closed_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = EntryRound
        fields = ("id", "strategy", "fiscal_year", "opens_at", "deadline", "reminder_days", "is_open", "closed_at",
                  "closed_by")
        read_only_fields = ("closed_at",)

    def get_is_open(self, obj) -> bool:
        return obj.is_open_for_entry()

    def get_fields(self):
        """A round is opened only for a plan of the user's own city: another city's code is
        refused as one that does not exist (and the browsable API offers the city's plans only)."""
        fields = super().get_fields()
        user = getattr(self.context.get("request"), "user", None)
        fields["strategy"].queryset = Strategy.objects.filter(boundary.works_in_q(user, "municipality_id"))
        return fields


class EntryRoundScheduleSerializer(serializers.Serializer):
    opens_at = serializers.DateTimeField(required=False)
    deadline = serializers.DateTimeField(required=False)
    reminder_days = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=90), required=False
    )


class ManagesRoundsOrReadOnly(permissions.BasePermission):
    message = gettext_lazy("Only the DX office and administrators set entry periods.")

    def has_permission(self, request, view):
        return request.method in permissions.SAFE_METHODS or can_manage_rounds(request.user)

    def has_object_permission(self, request, view, obj):
        """A round of a city the user reads but does not work in: the boundary's reason."""
        if request.method in permissions.SAFE_METHODS:
            return True
        self.message = boundary.refusal(request.user, obj.strategy.municipality_id) or self.message
        return boundary.works_in(request.user, obj.strategy.municipality_id)


class EntryRoundFilterSet(StrictFilterSet):
    strategy = strategy_filter("strategy__code")
    fiscal_year = FiscalYearFilter(field_name="fiscal_year")

    class Meta:
        model = EntryRound
        fields = ("strategy", "fiscal_year")


@extend_schema_view(
    create=extend_schema(summary="Open the entry period of a fiscal year", responses={201: EntryRoundSerializer,
                                                                                       **REFUSALS}),
    partial_update=extend_schema(summary="Reschedule an entry period", request=EntryRoundScheduleSerializer,
                                 responses={200: EntryRoundSerializer, **REFUSALS}),
)
class EntryRoundViewSet(WithinBoundary, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Entry periods per strategy and fiscal year: when departments enter actuals, and whether the year is closed."""

    serializer_class = EntryRoundSerializer
    permission_classes = [permissions.IsAuthenticated, ManagesRoundsOrReadOnly]
    filterset_class = EntryRoundFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]
    boundary_path = "strategy__municipality_id"

    def get_queryset(self):
        return self.within_boundary(
            EntryRound.objects.select_related("strategy", "closed_by").order_by("strategy__order", "-fiscal_year"))

    def create(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry_round = _call(workflow.entry_round_save, user=request.user, **serializer.validated_data)
        return Response(self.get_serializer(entry_round).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        entry_round = self.get_object()
        data = _valid(EntryRoundScheduleSerializer, request)
        entry_round = _call(
            workflow.entry_round_save, user=request.user, strategy=entry_round.strategy,
            fiscal_year=entry_round.fiscal_year, opens_at=data.get("opens_at", entry_round.opens_at),
            deadline=data.get("deadline", entry_round.deadline),
            reminder_days=data.get("reminder_days", entry_round.reminder_days),
        )
        return Response(self.get_serializer(entry_round).data)

    @extend_schema(request=ReasonSerializer, responses={200: EntryRoundSerializer, **REFUSALS},
                   summary="Close the fiscal year: every value of it is locked")
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        data = _valid(ReasonSerializer, request)
        entry_round = _call(workflow.entry_round_close, user=request.user, entry_round=self.get_object(),
                            reason=data["reason"])
        return Response(self.get_serializer(entry_round).data)

    @extend_schema(request=RequiredReasonSerializer, responses={200: EntryRoundSerializer, **REFUSALS},
                   summary="Reopen a closed fiscal year, with the reason (administrators)")
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        data = _valid(RequiredReasonSerializer, request)
        entry_round = _call(workflow.entry_round_reopen, user=request.user, entry_round=self.get_object(),
                            reason=data["reason"])
        return Response(self.get_serializer(entry_round).data)
