from django.urls import path

from congso.assistant import api

urlpatterns = [
    path("assistant/ask", api.AskApi.as_view(), name="assistant-ask"),
    path("assistant/feedback", api.FeedbackApi.as_view(), name="assistant-feedback"),
]
