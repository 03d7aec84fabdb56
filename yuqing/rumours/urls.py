from django.urls import URLPattern, URLResolver

app_name = "rumours"
urlpatterns: list[URLPattern | URLResolver] = []
