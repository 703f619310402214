from django.urls import URLPattern, path

from daiban.cadres import views

app_name = "cadres"

urlpatterns: list[URLPattern] = [
    path("cadres/", views.notice_list, name="cadre_notices"),
]
