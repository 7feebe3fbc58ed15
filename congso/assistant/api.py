"""REST API of the assistant: ask a question, rate an answer."""

from __future__ import annotations

from django.conf import settings

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle
from rest_framework.views import APIView

from congso.assistant import services
from congso.assistant.models import Feedback


class AssistantAnonThrottle(AnonRateThrottle):
    scope = "assistant_anon"

    def get_rate(self) -> str:
        return str(getattr(settings, "ASSISTANT_ANON_RATE", "60/min"))


class AssistantUserThrottle(UserRateThrottle):
    scope = "assistant_user"

    def get_rate(self) -> str:
        return str(getattr(settings, "ASSISTANT_USER_RATE", "120/min"))


@extend_schema_serializer(component_name="AssistantProcedureHit")
class ProcedureHitSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Mã thủ tục")
    name = serializers.CharField(help_text="Tên thủ tục")
    score = serializers.FloatField(help_text="Điểm phù hợp (càng cao càng phù hợp)")
    url = serializers.CharField(help_text="Đường dẫn trang thủ tục")


@extend_schema_serializer(component_name="AssistantLink")
class LinkSerializer(serializers.Serializer):
    label = serializers.CharField()  # type: ignore[assignment]
    url = serializers.CharField()


class AskApi(APIView):
    """``POST /api/v1/assistant/ask``: the virtual assistant's answer to one question."""

    permission_classes = [AllowAny]
    throttle_classes = [AssistantAnonThrottle, AssistantUserThrottle]

    @extend_schema_serializer(component_name="AssistantAsk")
    class InputSerializer(serializers.Serializer):
        question = serializers.CharField(
            max_length=services.MAX_QUESTION_LENGTH,
            help_text="Câu hỏi, có dấu hoặc không dấu.",
        )
        session = serializers.CharField(
            max_length=64,
            required=False,
            allow_blank=True,
            help_text="Mã phiên hội thoại trả về ở lần hỏi trước (để hỏi tiếp).",
        )
        phone = serializers.CharField(
            max_length=20,
            required=False,
            allow_blank=True,
            help_text="Số điện thoại hoặc số định danh của người nộp, để tra cứu hồ sơ.",
        )
        procedure = serializers.CharField(
            max_length=40,
            required=False,
            allow_blank=True,
            help_text="Mã thủ tục đang xem (câu hỏi từ trang thủ tục).",
        )

    @extend_schema_serializer(component_name="AssistantAnswer")
    class OutputSerializer(serializers.Serializer):
        intent = serializers.ChoiceField(
            choices=["procedure", "status", "greeting", "thanks", "out_of_scope", "empty"]
        )
        aspect = serializers.CharField(allow_blank=True)
        confident = serializers.BooleanField()
        answer = serializers.CharField()
        links = LinkSerializer(many=True)
        procedures = ProcedureHitSerializer(many=True)
        elapsed_ms = serializers.FloatField()
        session = serializers.CharField()
        log_id = serializers.IntegerField(allow_null=True)

    @extend_schema(
        request=InputSerializer,
        responses={200: OutputSerializer},
        tags=["assistant"],
        summary="Hỏi trợ lý ảo về thủ tục hành chính hoặc tình trạng hồ sơ",
        description=(
            "Trả lời từ dữ liệu danh mục thủ tục (giấy tờ, lệ phí, thời hạn, nơi nộp, trình tự, "
            "nộp trực tuyến). Câu hỏi ngoài phạm vi được từ chối lịch sự (`out_of_scope`, "
            "`procedures` rỗng). Tình trạng hồ sơ chỉ trả khi có mã hồ sơ và số điện thoại hoặc "
            "số định danh của người nộp khớp."
        ),
        auth=[],
        examples=[
            OpenApiExample(
                "Hỏi không dấu",
                value={"question": "lam giay khai sinh can giay to gi"},
                request_only=True,
            )
        ],
    )
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.assistant_ask(
            actor=request.user,
            question=data.validated_data["question"],
            session=data.validated_data.get("session", ""),
            phone=data.validated_data.get("phone", ""),
            context_code=data.validated_data.get("procedure", ""),
            channel="api",
        )
        return Response(self.OutputSerializer(result.as_dict()).data)


class FeedbackApi(APIView):
    """``POST /api/v1/assistant/feedback``: "no answer" / "wrong answer" / "helpful"."""

    permission_classes = [AllowAny]
    throttle_classes = [AssistantAnonThrottle, AssistantUserThrottle]

    @extend_schema_serializer(component_name="AssistantFeedbackInput")
    class InputSerializer(serializers.Serializer):
        log_id = serializers.IntegerField(min_value=1)
        session = serializers.CharField(max_length=64)
        feedback = serializers.ChoiceField(
            choices=[Feedback.HELPFUL, Feedback.NO_ANSWER, Feedback.WRONG_ANSWER]
        )
        note = serializers.CharField(max_length=500, required=False, allow_blank=True)

    @extend_schema_serializer(component_name="AssistantFeedbackResult")
    class OutputSerializer(serializers.Serializer):
        log_id = serializers.IntegerField()
        feedback = serializers.CharField()

    @extend_schema(
        request=InputSerializer,
        responses={200: OutputSerializer},
        tags=["assistant"],
        summary="Phản hồi về câu trả lời của trợ lý ảo",
        auth=[],
    )
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry = services.question_feedback(
            actor=request.user,
            log_id=data.validated_data["log_id"],
            session=data.validated_data["session"],
            feedback=data.validated_data["feedback"],
            note=data.validated_data.get("note", ""),
        )
        return Response(
            self.OutputSerializer({"log_id": entry.pk, "feedback": entry.feedback}).data
        )
