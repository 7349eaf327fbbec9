from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("jobs/", views.create, name="create"),
    path("jobs/<int:pk>/status/", views.status, name="status"),
    path("jobs/<int:pk>/retry/", views.retry, name="retry"),
    path("jobs/<int:pk>/download/", views.download, name="download"),
    path("jobs/<int:pk>/download/pdf/", views.download_pdf, name="download-pdf"),
]
