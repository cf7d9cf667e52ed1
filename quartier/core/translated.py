"""Texts a city writes in several languages: data credits, notes, descriptions.

Stored as a JSON object of language code to text, e.g. ``{"de": "…", "en": "…"}``, so that a
city in any language needs no schema change (an installation adds a language in
``settings.LANGUAGES`` only). Shown in the page's language, else in the city's own language,
else in whatever language there is; a text shown in another language than the page says so
with a ``lang`` attribute, so that a screen reader pronounces it right.
"""

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django import forms
from django.conf import settings
from django.conf.locale import LANG_INFO
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import format_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .errors import DomainError
from .text import has_control_characters


class InvalidTranslations(DomainError):
    code = "invalid_translations"


class LocalText(str):
    """One text as shown: a string (so it prints, compares and serialises as its words) that
    also knows the language it is in, and whether that is not the page's language."""

    lang: str
    fallback: bool

    def __new__(cls, text: str, lang: str, *, fallback: bool) -> "LocalText":
        value = super().__new__(cls, text)
        value.lang, value.fallback = lang, fallback
        return value

    @property
    def text(self) -> str:
        return str.__str__(self)

    def __reduce__(self):
        # Pickle and copy need the language too (str's own reduce would drop it).
        return (_local_text, (self.text, self.lang, self.fallback))

    @property
    def lang_attr(self) -> SafeString:
        """`` lang="de"`` for an element holding a text in another language than the page."""
        if not self.fallback or not self.lang:
            return mark_safe("")
        return format_html(' lang="{}"', self.lang)


def _local_text(text: str, lang: str, fallback: bool) -> LocalText:
    return LocalText(text, lang, fallback=fallback)


def _base(code: str) -> str:
    return code.split("-")[0]


def page_language() -> str:
    return (get_language() or settings.LANGUAGE_CODE).lower()


def localized(
    values: Mapping[str, str] | None, *, default: str, language: str | None = None
) -> LocalText:
    """The text for ``language`` (the active one if not given): that language, its base
    language ("de" for "de-at"), the city's ``default`` language, then any language there is
    (in the order of ``settings.LANGUAGES``, then alphabetical)."""
    language = (language or page_language()).lower()
    if not isinstance(values, Mapping):  # a row written by hand with something else
        values = {}
    values = {
        str(code).lower(): text for code, text in values.items() if isinstance(text, str) and text
    }
    if not values:
        return LocalText("", language, fallback=False)
    site_order = [code for code, _name in settings.LANGUAGES]
    candidates = [language, _base(language), default.lower(), _base(default.lower())]
    candidates += [code for code in site_order if code in values]
    candidates += sorted(values)
    for code in candidates:
        if code in values:
            same = code == language or _base(code) == _base(language)
            return LocalText(values[code], code, fallback=not same)
    raise AssertionError("unreachable: values is not empty")  # pragma: no cover


def is_language_code(code: str) -> bool:
    """A language Django knows (every European language, and many more)."""
    return code in LANG_INFO and "fallback" not in LANG_INFO[code]


def translations_cleaned(
    value: Mapping[str, Any] | str | None,
    *,
    language: str,
    max_length: int | None = None,
    label: str = "",
) -> dict[str, str]:
    """A stored translations object from what a form, an import or a script gives: a mapping
    of language code to text, or a plain string in the city's ``language``. Empty texts are
    dropped; a code Django does not know, a control character or an over-long text is refused
    with InvalidTranslations."""
    if value is None:
        return {}
    if isinstance(value, str):
        value = {language: value}
    if not isinstance(value, Mapping):
        raise InvalidTranslations(
            _("%(field)s: expected a text per language.") % {"field": label or _("Text")}
        )
    cleaned: dict[str, str] = {}
    for raw_code, raw_text in value.items():
        code = str(raw_code).strip().lower().replace("_", "-")
        if not is_language_code(code):
            raise InvalidTranslations(
                _("%(field)s: %(code)s is not a language code.")
                % {"field": label or _("Text"), "code": str(raw_code)[:20]}
            )
        if raw_text is None:
            continue
        if not isinstance(raw_text, str):
            raise InvalidTranslations(
                _("%(field)s: expected a text per language.") % {"field": label or _("Text")}
            )
        text = raw_text.replace("\x00", "").strip()
        if has_control_characters(text):
            raise InvalidTranslations(
                _("%(field)s must not contain control characters.") % {"field": label or code}
            )
        if max_length is not None and len(text) > max_length:
            raise InvalidTranslations(
                _("%(field)s (%(language)s) has at most %(count)d characters.")
                % {"field": label or _("Text"), "language": code, "count": max_length}
            )
        if text:
            cleaned[code] = text
    return cleaned


def translations_from_columns(row: Mapping[str, Any], field: str, *, language: str) -> dict:
    """Translations from an import row: ``field`` holds the text in the city's ``language``,
    ``field_<code>`` (``description_en``, ``description_pt-br``) the text in another."""
    values: dict[str, Any] = {}
    plain = row.get(field)
    if isinstance(plain, Mapping):
        values.update(plain)
    elif plain not in (None, ""):
        values[language] = plain
    prefix = f"{field}_"
    for key, text in row.items():
        if not isinstance(key, str) or not key.startswith(prefix) or text in (None, ""):
            continue
        code = key[len(prefix) :].lower().replace("_", "-")
        # Other columns that merely start alike (``source_url``) are not translations.
        if is_language_code(code):
            values[code] = text
    return values


# --- forms --------------------------------------------------------------------------------


def site_languages() -> list[tuple[str, Any]]:
    return [(code, name) for code, name in settings.LANGUAGES]


def translated_form_fields(
    name: str,
    label: Any,
    *,
    max_length: int | None = None,
    help_text: str = "",
    languages: Iterable[tuple[str, Any]] | None = None,
) -> dict[str, forms.CharField]:
    """One optional text field per language of the installation, named ``<name>_<code>``,
    with the language in its label and as the ``lang`` of its input (spell checkers and
    screen readers then use the right language)."""
    fields = {}
    for code, language_name in languages or site_languages():
        attrs = {"lang": code, "rows": 3}
        fields[f"{name}_{code}"] = forms.CharField(
            # Lazy: the admin shows the labels in its user's language.
            label=format_lazy("{} ({})", label, language_name),
            required=False,
            max_length=max_length,
            help_text=help_text,
            widget=forms.Textarea(attrs=attrs),
        )
    return fields


class TranslatedFieldsFormMixin:
    """For a ModelForm whose model stores translations in JSON fields: ``translated_fields``
    maps each JSON field to (label, max_length). The form shows one text field per language
    (added to the class with ``add_translated_fields``); ``translations(name)`` gives what
    was typed as a mapping for the service."""

    translated_fields: dict[str, tuple[Any, int | None]] = {}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        instance = getattr(self, "instance", None)
        for json_field in self.translated_fields:
            stored = getattr(instance, json_field, None) or {}
            for code, _name in site_languages():
                form_field = f"{_field_base(json_field)}_{code}"
                if form_field in self.fields and code in stored:  # type: ignore[attr-defined]
                    self.initial.setdefault(form_field, stored[code])  # type: ignore[attr-defined]

    def clean(self):
        cleaned = super().clean()  # type: ignore[misc]
        for json_field, (label, max_length) in self.translated_fields.items():
            try:
                translations_cleaned(
                    self.translations(json_field),
                    language=settings.LANGUAGE_CODE,
                    max_length=max_length,
                    label=str(label),
                )
            except InvalidTranslations as error:
                self.add_error(None, error.message)  # type: ignore[attr-defined]
        return cleaned

    def translations(self, json_field: str) -> dict[str, str]:
        data = self.cleaned_data  # type: ignore[attr-defined]
        base = _field_base(json_field)
        return {code: data.get(f"{base}_{code}", "") or "" for code, _name in site_languages()}


def _field_base(json_field: str) -> str:
    return json_field.removesuffix("_i18n")


FormClass = TypeVar("FormClass", bound=type[forms.BaseForm])


def add_translated_fields(form_class: FormClass) -> FormClass:
    """Class decorator: declare the per-language fields of ``translated_fields`` on the form,
    so that the admin (which builds its form from the declared fields) shows them."""
    translated: dict = getattr(form_class, "translated_fields", {})
    for json_field, (label, max_length) in translated.items():
        for name, field in translated_form_fields(
            _field_base(json_field), label, max_length=max_length
        ).items():
            form_class.base_fields[name] = field  # type: ignore[attr-defined]
            form_class.declared_fields[name] = field  # type: ignore[attr-defined]
    return form_class
