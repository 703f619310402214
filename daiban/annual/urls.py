from django.urls import URLPattern

app_name = "annual"

urlpatterns: list[URLPattern] = []
