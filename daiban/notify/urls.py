"""消息 pages."""

from django.urls import URLPattern, path

from daiban.notify import views

urlpatterns: list[URLPattern] = [
    path("messages/", views.message_list, name="message_list"),
    path("messages/settings/", views.message_settings, name="message_settings"),
    path("messages/read-all/", views.message_read_all, name="message_read_all"),
    path("messages/<int:pk>/", views.message_open, name="message_open"),
    path("messages/<int:pk>/read/", views.message_read, name="message_read"),
]
