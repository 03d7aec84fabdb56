from django.urls import path, re_path

from yuqing.collect.api import views

app_name = "api"
urlpatterns = [
    path("items", views.items, name="items"),
    path("openapi.json", views.openapi_json, name="openapi"),
    # Last: any other path under the API answers JSON, not the site's HTML 404 page.
    re_path(r"", views.not_found, name="not-found"),
]
