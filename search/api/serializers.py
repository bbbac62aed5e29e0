"""The search API's answer (its OpenAPI schema; search.selectors builds the values)."""

from rest_framework import serializers


class HitSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="类别：town item record agreement project person secondment finding")
    id = serializers.IntegerField()
    title = serializers.CharField()
    subtitle = serializers.CharField()
    url = serializers.CharField(help_text="该记录的页面")


class GroupSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField(help_text="命中条数，最多计到上限")
    capped = serializers.BooleanField(help_text="命中超过上限（count 为上限）")
    results = HitSerializer(many=True)


class SearchSerializer(serializers.Serializer):
    query = serializers.CharField()
    groups = GroupSerializer(many=True)
