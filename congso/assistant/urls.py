from django.urls import path

from congso.assistant import views

app_name = "assistant"
urlpatterns = [
    path("", views.chat, name="chat"),
    path("phan-hoi/", views.feedback, name="feedback"),
]
