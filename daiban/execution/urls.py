from django.urls import URLPattern

app_name = "execution"

urlpatterns: list[URLPattern] = []
