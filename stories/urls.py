from django.urls import path

from stories import views

app_name = "stories"

urlpatterns = [
    path("mine/<str:token>/", views.mine, name="mine"),
    path("mine/<str:token>/<int:answer_id>/withdraw/", views.withdraw, name="withdraw"),
]
