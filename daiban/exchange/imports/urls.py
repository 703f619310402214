from django.urls import URLPattern, URLResolver

from daiban.exchange.imports.views import urlpatterns as view_patterns

urlpatterns: list[URLPattern | URLResolver] = [*view_patterns]
