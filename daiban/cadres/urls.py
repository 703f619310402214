from django.urls import URLPattern

app_name = "cadres"

urlpatterns: list[URLPattern] = []
