from django.urls import path, re_path

from public import views, views_export

app_name = "public"

urlpatterns = [
    path("manage/", views.manage_index, name="manage-index"),
    path("manage/<slug:code>/", views.manage, name="manage"),
    path("manage/<slug:code>/publish/", views.publish, name="publish"),
    path("manage/<slug:code>/preview/<int:fiscal_year>/", views.preview, name="preview"),
    path("manage/<slug:code>/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("manage/<slug:code>/exports/", views_export.export_request, name="export-request"),
    path("manage/<slug:code>/jobs/<int:pk>/", views_export.job_row, name="job-row"),
    path("manage/<slug:code>/jobs/<int:pk>/download/", views_export.export_download, name="export-download"),
    path("<slug:municipality>/<slug:strategy>/", views.latest, name="latest"),
    path("<slug:municipality>/<slug:strategy>/<int:fiscal_year>/", views.page, name="page"),
    path("<slug:municipality>/<slug:strategy>/<int:fiscal_year>/open-data.<str:fmt>", views.download,
         name="download"),
    re_path(r"^(?P<rest>.*)$", views.catch_all),
]
