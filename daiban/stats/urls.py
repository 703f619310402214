from django.urls import URLPattern, URLResolver, path

from daiban.stats.views.dashboard import dashboard
from daiban.stats.views.rows import dashboard_rows

app_name = "stats"

urlpatterns: list[URLPattern | URLResolver] = [
    path("stats/", dashboard, name="dashboard"),
    path("stats/rows/", dashboard_rows, name="dashboard_rows"),
]
