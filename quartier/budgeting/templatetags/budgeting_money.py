"""The one ``euros`` filter (quartier/core/templatetags/money.py) under this library's name, so
that templates loading it keep working; new templates load ``money``."""

from django import template

from quartier.core.templatetags.money import euros

register = template.Library()
register.filter("euros", euros)
