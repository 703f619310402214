"""URLconf used only by the admin tests (the project URLconf is not needed for them)."""

from django.contrib import admin
from django.urls import path

urlpatterns = [path("admin/", admin.site.urls)]
