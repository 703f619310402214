from daiban.exchange.exports import urls as exports_urls
from daiban.exchange.imports import urls as imports_urls

app_name = "exchange"

urlpatterns = [*exports_urls.urlpatterns, *imports_urls.urlpatterns]
