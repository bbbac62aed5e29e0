"""``{% file_url obj "field" %}``: the checked download URL of a stored file (core/files.py)."""

from django import template

from core import files

register = template.Library()


@register.simple_tag
def file_url(obj, field: str) -> str:
    return files.url_for(obj, field)


@register.filter
def file_name(fieldfile) -> str:
    """The name a stored file was uploaded as (what follows its random folder)."""
    return fieldfile.name.rsplit("/", 1)[-1] if fieldfile else ""
