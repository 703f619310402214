from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("daiban.core.urls")),
    path("", include("daiban.accounts.urls")),
    path("", include("daiban.audit.urls")),
    path("network/", include("daiban.network.urls")),
    path("", include("daiban.matters.urls")),
    path("", include("daiban.prevention.urls")),
    path("", include("daiban.supervision.urls")),
    path("", include("daiban.notify.urls")),
    path("", include("daiban.documents.urls")),
    path("", include("daiban.mediation.urls")),
    path("", include("daiban.repeats.urls")),
    path("", include("daiban.urgent.urls")),
    path("", include("daiban.hearings.urls")),
    path("", include("daiban.assistance.urls")),
    path("", include("daiban.cadres.urls")),
    path("", include("daiban.execution.urls")),
    path("", include("daiban.accountability.urls")),
    path("", include("daiban.portal.urls")),
    path("", include("daiban.stats.urls")),
    path("", include("daiban.annual.urls")),
    path("", include("daiban.exchange.urls")),
    path("", include("daiban.lifecycle.urls")),
    path("", include("daiban.search.urls")),
]
