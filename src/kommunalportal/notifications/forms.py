"""The form of an announcement to the communes."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kommunalportal.core.forms import KernFormMixin
from kommunalportal.organisations.models import COMMUNE_KINDS, Organisation, OrganisationKind
from kommunalportal.organisations.rules import SIZE_CLASSES


class AnnouncementForm(KernFormMixin, forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 8}))
    link = forms.CharField(
        label=_("Link to a page of the portal"), max_length=300, required=False,
        help_text=_("For example /foerderung/ — leave empty for none."),
    )  # fmt: skip
    districts = forms.MultipleChoiceField(
        label=_("Districts (with their municipalities)"), required=False, widget=forms.CheckboxSelectMultiple
    )
    kinds = forms.MultipleChoiceField(
        label=_("Kinds of commune"), required=False, widget=forms.CheckboxSelectMultiple,
        choices=[(kind.value, kind.label) for kind in COMMUNE_KINDS],
    )  # fmt: skip
    size_classes = forms.MultipleChoiceField(
        label=_("Size classes (municipalities by inhabitants)"), required=False, widget=forms.CheckboxSelectMultiple,
        choices=[(size.code, size.label) for size in SIZE_CLASSES],
    )  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        districts = Organisation.objects.filter(kind=OrganisationKind.DISTRICT, is_active=True).order_by("short_name")
        self.fields["districts"].choices = [(d.key, d.short_name) for d in districts]  # type: ignore[attr-defined]  # a ChoiceField

    def clean_link(self) -> str:
        link: str = self.cleaned_data["link"].strip()
        if link and not link.startswith("/"):
            raise forms.ValidationError(_("A link must lead to a page of the portal and start with /."))
        return link
