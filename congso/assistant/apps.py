from django.apps import AppConfig


class AssistantConfig(AppConfig):
    name = "congso.assistant"
    label = "assistant"
    verbose_name = "Trợ lý ảo"
