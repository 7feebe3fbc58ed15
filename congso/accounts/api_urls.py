from django.urls import path

from congso.accounts import api


class _TokenObtainSlashApi(api.TokenObtainApi):
    schema = None  # the same endpoint with a trailing slash; documented once, without it


class _MeSlashApi(api.MeApi):
    schema = None


urlpatterns = [
    path("auth/token", api.TokenObtainApi.as_view(), name="auth-token"),
    path("auth/token/", _TokenObtainSlashApi.as_view()),
    path("me", api.MeApi.as_view(), name="me"),
    path("me/", _MeSlashApi.as_view()),
]
