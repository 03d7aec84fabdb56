from django.urls import path

from yuqing.notify import channel_views as views

app_name = "channels"
urlpatterns = [
    path("", views.channel_list, name="list"),
    path("new/", views.channel_create, name="create"),
    path("<int:pk>/", views.channel_detail, name="detail"),
    path("<int:pk>/edit/", views.channel_edit, name="edit"),
    path("<int:pk>/toggle/", views.channel_toggle, name="toggle"),
    path("<int:pk>/test/", views.channel_test, name="test"),
    path("deliveries/", views.delivery_list, name="deliveries"),
    path("deliveries/<int:pk>/status/", views.delivery_status, name="delivery-status"),
    path("deliveries/<int:pk>/retry/", views.delivery_retry, name="delivery-retry"),
]
