from django.urls import path

from yuqing.collect import views

app_name = "collect"
urlpatterns = [
    path("", views.item_list, name="item-list"),
]
