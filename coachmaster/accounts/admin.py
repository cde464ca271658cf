from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import ROLE_FIELDS, Role, User
from .services import create_account
from .tasks import send_invitation_email


class UserCreationForm(forms.ModelForm):
    """New people get no password here: they receive an invitation to set one."""

    roles = forms.MultipleChoiceField(
        label=_("roles"), choices=Role.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = User
        fields = ["email", "given_name", "name_prefix", "family_name", "preferred_language"]

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                _("Someone with this e-mail address already has an account.")
            )
        return email


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = [
        "sort_name",
        "email",
        "role_list",
        "preferred_language",
        "is_active",
        "last_login",
    ]
    list_filter = [*ROLE_FIELDS.values(), "is_active", "preferred_language"]
    search_fields = ["email", "given_name", "family_name"]
    ordering = ["family_name", "given_name"]
    readonly_fields = ["email", "last_login", "date_joined"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "email",
                    "given_name",
                    "name_prefix",
                    "family_name",
                    "preferred_language",
                ]
            },
        ),
        (_("Roles"), {"fields": [*ROLE_FIELDS.values(), "is_active"]}),
        (_("History"), {"fields": ["last_login", "date_joined"]}),
    ]
    actions = ["invite"]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = UserCreationForm
            kwargs["fields"] = None
        return super().get_form(request, obj, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": UserCreationForm.Meta.fields + ["roles"]})]
        fieldsets = list(self.fieldsets)
        if request.user.is_superuser:
            fieldsets.append((_("Technical"), {"fields": ["is_superuser"]}))
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        data = form.cleaned_data
        created = create_account(
            email=data["email"],
            given_name=data["given_name"],
            name_prefix=data["name_prefix"],
            family_name=data["family_name"],
            preferred_language=data["preferred_language"],
            roles=data["roles"],
            by=request.user,
        )
        obj.pk = created.pk
        obj._state = created._state

    def has_delete_permission(self, request, obj=None) -> bool:
        # People are deactivated, never deleted: their work and assessments stay traceable.
        return False

    @admin.display(description=_("roles"))
    def role_list(self, obj: User) -> str:
        return ", ".join(str(Role(role).label) for role in obj.roles)

    @admin.action(description=_("Send an invitation to set a password"))
    def invite(self, request, queryset):
        count = 0
        for user in queryset.filter(is_active=True):
            send_invitation_email.delay_on_commit(user.pk)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d invitation sent.", "%(count)d invitations sent.", count)
            % {"count": count},
            messages.SUCCESS,
        )
