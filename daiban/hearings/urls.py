from django.urls import URLPattern

app_name = "hearings"

urlpatterns: list[URLPattern] = []
