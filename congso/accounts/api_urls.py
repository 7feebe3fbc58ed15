from django.urls import path

from congso.accounts import api

urlpatterns = [
    path("auth/token", api.TokenObtainApi.as_view(), name="auth-token"),
    path("auth/token/", api.TokenObtainApi.as_view()),
    path("me", api.MeApi.as_view(), name="me"),
    path("me/", api.MeApi.as_view()),
]
