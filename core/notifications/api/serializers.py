from rest_framework import serializers

from ..models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    # Rendered in the request's language (Accept-Language, the language cookie), not stored text.
    title = serializers.CharField(source="display_title", read_only=True)
    body = serializers.CharField(source="display_body", read_only=True)
    kind_label = serializers.CharField(read_only=True)
    is_read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "kind_label", "subject_key", "day", "message", "title", "body", "url",
                  "created_at", "read_at", "is_read", "emailed_at"]
        read_only_fields = fields

    def get_is_read(self, obj) -> bool:
        return obj.read_at is not None


class ReadAllResultSerializer(serializers.Serializer):
    marked = serializers.IntegerField()
