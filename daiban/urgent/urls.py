from django.urls import URLPattern, path

from daiban.urgent import views

app_name = "urgent"

urlpatterns: list[URLPattern] = [
    path("urgent/", views.urgent_list, name="urgent_list"),
    path("urgent/<int:pk>/", views.marking_detail, name="urgent_detail"),
]
