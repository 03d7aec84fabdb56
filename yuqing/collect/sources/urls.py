from django.urls import path

from yuqing.collect.sources import views

app_name = "sources"
urlpatterns = [
    path("", views.source_list, name="list"),
    path("new/", views.source_create, name="create"),
    path("export/", views.source_export, name="export"),
    path("import/", views.source_import, name="import"),
    path("<int:pk>/", views.source_detail, name="detail"),
    path("<int:pk>/edit/", views.source_edit, name="edit"),
    path("<int:pk>/fetch/", views.source_fetch, name="fetch"),
    path("<int:pk>/toggle/", views.source_toggle, name="toggle"),
]
