"""The directory area's URLs (included by daiban.portal.urls, namespace portal)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
