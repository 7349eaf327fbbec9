from django.urls import path

from reports.dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("", views.index, name="index"),
    # Before <slug:code>/: "compare" is no plan's code here (the comparison of cities).
    path("compare/", views.cities, name="cities"),
    path("<slug:code>/", views.overview, name="overview"),
    path("<slug:code>/compare/", views.compare, name="compare"),
    path("<slug:code>/indicators/", views.indicator_list, name="indicators"),
    path("<slug:code>/indicators/<int:pk>/", views.indicator, name="indicator"),
    path("<slug:code>/policies/<int:pk>/", views.policy, name="policy"),
    path("<slug:code>/measures/<int:pk>/", views.measure, name="measure"),
    path("<slug:code>/steps/<int:pk>/", views.step, name="step"),
    path("<slug:code>/projects/<int:pk>/", views.project, name="project"),
    path("<slug:code>/roadmap/", views.roadmap, name="roadmap"),
    path("<slug:code>/departments/<int:pk>/", views.department, name="department"),
]
