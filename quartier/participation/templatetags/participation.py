from django import template

from ..links import process_url as _process_url

register = template.Library()


@register.simple_tag
def process_url(process) -> str:
    return _process_url(process) or ""
