from django.urls import include, path

from yuqing.collect import views

app_name = "collect"
urlpatterns = [
    path("", views.item_list, name="item-list"),
    path("export.csv", views.item_export, name="item-export"),
    path("<int:pk>/", views.item_detail, name="item-detail"),
    path("sources/", include("yuqing.collect.sources.urls")),
]
