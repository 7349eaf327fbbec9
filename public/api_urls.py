"""Routes of the public API under /api/public/v1/."""

from django.urls import path

from public import api

app_name = "public-api"

urlpatterns = [
    path("publications/<slug:municipality>/<slug:strategy>/", api.PublicationYearsView.as_view(), name="years"),
    path("publications/<slug:municipality>/<slug:strategy>/<int:fiscal_year>/", api.PublicationView.as_view(),
         name="publication"),
]
