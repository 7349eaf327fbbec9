"""The round's texts and statuses in the REST API, with the same rules and messages as the web.

- GET /api/v1/round-texts/?strategy=&fiscal_year=&kind=&status=&department=: one row per node,
  fiscal year and kind; the entered text, status or phase only where kpis.permissions lets the
  user see it (drafts: the owner department, the DX office and administrators)
- POST /api/v1/round-texts/{id}/save/ {content, is_start, version}: save a draft (409 on a conflict)
- POST /api/v1/round-texts/{id}/submit/ · approve/ {comment} · return/ {comment} · reopen/ {reason}

Texts of a city the user may not read answer 404, as missing; of a city it reads but does not
work in (a wide-area viewer's), 403 with the boundary's reason. Every action calls a
kpis.text_workflow service, which checks kpis.permissions.
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from kpis import permissions, text_workflow
from kpis.api_entry import REFUSALS, CommentSerializer, RequiredReasonSerializer, ReturnSerializer, _call, _valid
from kpis.models import EntryStatus, RoundText, RoundTextKind
from kpis.round_text_input import TEXT_MAX_LENGTH
from plans.api import WithinBoundary, id_filter, refuse_outside, strategy_filter
from plans.api_query import MAX_ID, FiscalYearFilter, StrictChoiceFilter, StrictFilterSet


class RoundTextSerializer(serializers.ModelSerializer):
    strategy = serializers.SlugRelatedField(slug_field="code", read_only=True)
    owner = serializers.SerializerMethodField(help_text="The node: basic_policy, measure, step or project.")
    owner_id = serializers.SerializerMethodField()
    owner_name = serializers.SerializerMethodField()
    visible = serializers.SerializerMethodField(help_text="Whether you may see what was entered.")
    text = serializers.SerializerMethodField(help_text="The goal or summary text; null when hidden from you.")
    choice = serializers.SerializerMethodField(
        help_text="The step status (done, current, planned, considering) or project phase (build, operate, "
                  "consider); null when hidden from you.")
    is_start = serializers.SerializerMethodField(help_text="A project phase: the project starts this year.")
    return_comment = serializers.SerializerMethodField()

    class Meta:
        model = RoundText
        fields = ("id", "strategy", "fiscal_year", "kind", "owner", "owner_id", "owner_name", "department", "status",
                  "version", "visible", "text", "choice", "is_start", "return_comment", "updated_at")
        read_only_fields = fields

    def _visible(self, obj) -> bool:
        user = self.context["request"].user
        return permissions.actual_visible(user, status=obj.status, department_id=obj.department_id)

    def get_owner(self, obj) -> str:
        return obj.owner_field

    def get_owner_id(self, obj) -> int:
        return getattr(obj, f"{obj.owner_field}_id")

    def get_owner_name(self, obj) -> str:
        return str(obj.owner)

    def get_visible(self, obj) -> bool:
        return self._visible(obj)

    def get_text(self, obj) -> str | None:
        return obj.text if self._visible(obj) else None

    def get_choice(self, obj) -> str | None:
        return obj.choice if self._visible(obj) else None

    def get_is_start(self, obj) -> bool | None:
        return obj.is_start if self._visible(obj) else None

    def get_return_comment(self, obj) -> str | None:
        user = self.context["request"].user
        return obj.return_comment if permissions.can_read_review_trail(
            user, department_id=obj.department_id, municipality_id=obj.strategy.municipality_id) else None


class RoundTextSaveSerializer(serializers.Serializer):
    content = serializers.CharField(
        allow_blank=True, max_length=TEXT_MAX_LENGTH * 2,
        help_text=f"The text (at most {TEXT_MAX_LENGTH} characters after normalisation: CRLF/CR → LF, tab → space, "
                  "trailing spaces removed), or the status / phase value.")
    is_start = serializers.BooleanField(required=False, default=False, help_text="A project phase: starts this year.")
    version = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="The row's version when you read it.")


class RoundTextFilterSet(StrictFilterSet):
    strategy = strategy_filter("strategy__code")
    fiscal_year = FiscalYearFilter(field_name="fiscal_year")
    kind = StrictChoiceFilter(choices=RoundTextKind.choices)
    status = StrictChoiceFilter(choices=EntryStatus.choices)
    department = id_filter("department_id", "owner department id")

    class Meta:
        model = RoundText
        fields = ("strategy", "fiscal_year", "kind", "status", "department")


class TextConflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def _text_call(service, **kwargs):
    try:
        return _call(service, **kwargs)
    except text_workflow.RoundTextConflict as conflict:
        error = TextConflict(str(conflict))
        error.detail = {"detail": str(conflict), "current": {"id": conflict.current.pk,
                                                              "version": conflict.current.version,
                                                              "content": conflict.current.display()}}
        raise error from None


def _text_action(request_serializer, summary, *, extra=None, url_path=None):
    responses = {200: RoundTextSerializer, **REFUSALS, **(extra or {})}
    return lambda method: extend_schema(request=request_serializer, responses=responses, summary=summary)(
        action(detail=True, methods=["post"], url_path=url_path)(method)
    )


class RoundTextViewSet(WithinBoundary, viewsets.ReadOnlyModelViewSet):
    """The texts and statuses of the round (年度の目標, 事業総括, step statuses, project phases)."""

    serializer_class = RoundTextSerializer
    filterset_class = RoundTextFilterSet
    boundary_path = "strategy__municipality_id"

    def get_queryset(self):
        return self.within_boundary(
            RoundText.objects.select_related("strategy", "basic_policy", "measure", "step", "project").order_by(
                "strategy_id", "fiscal_year", "order", "pk"))

    def _writable(self) -> RoundText:
        """The text of the URL: 404 outside the readable cities, 403 (the boundary's reason) in a
        city the user reads but does not work in."""
        text = self.get_object()
        refuse_outside(self.request.user, text.strategy.municipality_id)
        return text

    def _row(self, pk):
        return Response(self.get_serializer(self.get_queryset().get(pk=pk)).data)

    @_text_action(RoundTextSaveSerializer, "Save a draft of the text, status or phase", extra={
        409: OpenApiResponse(description="Someone saved the row after you read it."),
    })
    def save(self, request, pk=None):
        data = _valid(RoundTextSaveSerializer, request)
        text = _text_call(text_workflow.round_text_save, user=request.user, round_text=self._writable(),
                          content=data["content"], is_start=data["is_start"], expected_version=data["version"])
        return self._row(text.pk)

    @_text_action(None, "Submit the text for review")
    def submit(self, request, pk=None):
        (text,) = _text_call(text_workflow.round_text_submit, user=request.user, round_texts=[self._writable()])
        return self._row(text.pk)

    @_text_action(CommentSerializer, "Approve the text in your review stage")
    def approve(self, request, pk=None):
        data = _valid(CommentSerializer, request)
        (text,) = _text_call(text_workflow.round_text_approve, user=request.user, round_texts=[self._writable()],
                             comment=data["comment"])
        return self._row(text.pk)

    @_text_action(ReturnSerializer, "Return the text to its department, saying what to correct", url_path="return")
    def return_to_department(self, request, pk=None):
        data = _valid(ReturnSerializer, request)
        text = _text_call(text_workflow.round_text_return, user=request.user, round_text=self._writable(),
                          comment=data["comment"])
        return self._row(text.pk)

    @_text_action(RequiredReasonSerializer, "Reopen an approved text (administrators)")
    def reopen(self, request, pk=None):
        data = _valid(RequiredReasonSerializer, request)
        text = _text_call(text_workflow.round_text_reopen, user=request.user, round_text=self._writable(),
                          reason=data["reason"])
        return self._row(text.pk)
