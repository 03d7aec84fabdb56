from django.urls import URLPattern, URLResolver, path

from yuqing.search import views

app_name = "search"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.search, name="search"),
    path("export.csv", views.export_csv, name="export-csv"),
    path("export.xlsx", views.export_xlsx, name="export-xlsx"),
    path("saved/", views.save, name="save"),
    path("saved/<int:pk>/delete/", views.delete, name="delete"),
]
