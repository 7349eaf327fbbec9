"""The yearly entry round, mounted at /entry/ (namespace "entry")."""

from django.urls import path

from kpis.views import entry, history, review, rounds, texts, tracker

app_name = "entry"

# Fixed prefixes first: "/entry/<strategy>/<fiscal year>/" would also match them.
urlpatterns = [
    path("", entry.entry_index, name="index"),
    path("current/<slug:page>/", entry.entry_current, name="current"),  # for the site navigation
    # One yearly value.
    path("values/<int:pk>/save/", entry.entry_row_save, name="save-row"),
    path("values/<int:pk>/return/", review.review_return, name="return"),
    path("values/<int:pk>/revise-target/", review.target_revise, name="revise-target"),
    path("values/<int:pk>/reopen/", review.value_reopen, name="reopen-value"),
    # One text or status of the round.
    path("texts/<int:pk>/save/", texts.text_save, name="text-save"),
    path("texts/<int:pk>/return/", texts.text_return, name="text-return"),
    path("texts/<int:pk>/reopen/", texts.text_reopen, name="text-reopen"),
    path("indicators/<int:pk>/history/", history.indicator_history, name="indicator-history"),
    # Entry periods (DX office, administrators).
    path("rounds/", rounds.round_list, name="rounds"),
    path("rounds/<slug:strategy>/new/", rounds.round_edit, name="round-new"),
    path("rounds/<slug:strategy>/<int:fiscal_year>/", rounds.round_edit, name="round-edit"),
    path("rounds/<slug:strategy>/<int:fiscal_year>/close/", rounds.round_close, name="round-close"),
    path("rounds/<slug:strategy>/<int:fiscal_year>/reopen/", rounds.round_reopen, name="round-reopen"),
    # One strategy and fiscal year: /entry/sasebo-dx/2024/…
    path("<slug:strategy>/<int:fiscal_year>/", entry.entry_grid, name="grid"),
    path("<slug:strategy>/<int:fiscal_year>/submit/", entry.entry_submit, name="submit"),
    path("<slug:strategy>/<int:fiscal_year>/review/", review.review_queue, name="review"),
    path("<slug:strategy>/<int:fiscal_year>/review/approve/", review.review_approve, name="approve"),
    path("<slug:strategy>/<int:fiscal_year>/texts/submit/", texts.text_submit, name="text-submit"),
    path("<slug:strategy>/<int:fiscal_year>/texts/approve/", texts.text_approve, name="text-approve"),
    path("<slug:strategy>/<int:fiscal_year>/tracker/", tracker.tracker, name="tracker"),
    path("<slug:strategy>/<int:fiscal_year>/history/", history.department_history, name="department-history"),
]
