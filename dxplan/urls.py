from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from kpis.views import plan as plan_views
from plans.signin.forms import SignInForm

handler400 = "dxplan.errors.bad_request"
handler403 = "dxplan.errors.permission_denied"
handler404 = "dxplan.errors.not_found"
handler500 = "dxplan.errors.server_error"

admin.site.site_header = _("dxplan administration")
admin.site.site_title = _("dxplan")
admin.site.index_title = _("Plan maintenance")

urlpatterns = [
    path("", plan_views.home, name="home"),
    # Pages without an icon link (the admin) make browsers ask for /favicon.ico.
    path("favicon.ico", RedirectView.as_view(url=f"{settings.STATIC_URL}favicon.svg", permanent=True)),
    path("strategies/<slug:code>/", plan_views.strategy_tree, name="plan-tree"),
    # Each capability mounts its own URL module; names are namespaced by it.
    path("entry/", include("kpis.urls")),
    path("dashboards/", include("reports.dashboards.urls")),
    path("reports/", include("reports.urls")),
    path("imports/", include("imports.urls")),
    path("public/", include("public.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(authentication_form=SignInForm), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("dxplan.api_urls")),
    path("api/public/v1/", include("public.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up code as a script file, as the CSP requires.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
]
