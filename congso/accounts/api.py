"""Authentication API: obtain a token, read the current user."""

from __future__ import annotations

from django.contrib.auth import authenticate

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from congso.core.exceptions import ApplicationError


class TokenObtainApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "TokenRequest"

        username = serializers.CharField(max_length=150)
        password = serializers.CharField(max_length=128, trim_whitespace=False)

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "Token"

        token = serializers.CharField()

    class InvalidCredentialsError(ApplicationError):
        status_code = 401
        code = "invalid_credentials"

    @extend_schema(
        request=InputSerializer,
        responses={200: OutputSerializer},
        tags=["auth"],
        summary="Lấy mã xác thực (token) bằng tên đăng nhập và mật khẩu",
        auth=[],
    )
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(
            request._request,
            username=data.validated_data["username"],
            password=data.validated_data["password"],
        )
        if user is None or not user.is_active:
            raise self.InvalidCredentialsError("Tên đăng nhập hoặc mật khẩu không đúng.")
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key}, status=status.HTTP_200_OK)


class MeApi(APIView):
    permission_classes = [IsAuthenticated]

    class MembershipSerializer(serializers.Serializer):
        class Meta:
            ref_name = "Membership"

        agency_code = serializers.CharField(source="agency.code")
        agency_slug = serializers.CharField(source="agency.slug")
        agency_name = serializers.CharField(source="agency.name")
        role = serializers.CharField()
        role_display = serializers.CharField(source="get_role_display")

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "Me"

        id = serializers.IntegerField()
        username = serializers.CharField()
        full_name = serializers.CharField()
        kind = serializers.CharField()
        email = serializers.EmailField()
        phone = serializers.CharField()
        personal_id = serializers.CharField()
        roles = serializers.ListField(child=serializers.CharField())
        agencies = serializers.ListField(child=serializers.DictField())

    @extend_schema(
        responses={200: OutputSerializer},
        tags=["auth"],
        summary="Thông tin người dùng hiện tại, cơ quan và vai trò",
    )
    def get(self, request: Request) -> Response:
        user = request.user
        memberships = user.memberships.select_related("agency").order_by("agency__path")
        payload = self.OutputSerializer(
            {
                "id": user.pk,
                "username": user.username,
                "full_name": user.get_full_name(),
                "kind": user.kind,
                "email": user.email,
                "phone": user.phone,
                "personal_id": user.personal_id,
                "roles": user.role_names(),
                "agencies": self.MembershipSerializer(memberships, many=True).data,
            }
        ).data
        return Response(payload)
