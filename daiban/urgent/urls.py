from django.urls import URLPattern

app_name = "urgent"

urlpatterns: list[URLPattern] = []
