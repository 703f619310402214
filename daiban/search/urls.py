from django.urls import URLPattern, URLResolver, path

from daiban.search.views import search_page

app_name = "search"

urlpatterns: list[URLPattern | URLResolver] = [
    path("search/", search_page, name="search"),
]
