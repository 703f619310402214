"""The directory area's URLs (included by daiban.portal.urls, namespace portal): short addresses a person
can type from the village poster."""

from django.urls import URLPattern, path

from daiban.portal.directory import views

urlpatterns: list[URLPattern] = [
    path("agents/", views.agents_index, name="agents"),
    path("agents/photo/<int:pk>/", views.agent_photo, name="agent_photo"),
    path("agents/<str:code>/", views.agents_region, name="agents_region"),
    path("agents/<str:code>/poster/", views.agents_poster, name="agents_poster"),
]
