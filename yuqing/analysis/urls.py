from django.urls import path

from yuqing.analysis import views

app_name = "analysis"
urlpatterns = [
    path("", views.event_list, name="event-list"),
    path("<int:pk>/", views.event_detail, name="event-detail"),
    path("<int:pk>/merge/", views.event_merge, name="event-merge"),
    path("<int:pk>/move/", views.event_move, name="event-move"),
    path("<int:pk>/rename/", views.event_rename, name="event-rename"),
    path("items/<int:pk>/correct/", views.item_correct, name="item-correct"),
]
