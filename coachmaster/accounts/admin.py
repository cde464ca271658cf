from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .mfa import strong_authenticator_exists
from .models import ROLE_FIELDS, Role, User
from .services import create_account, deactivate_account
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
        "has_mfa",
        "suggested_role",
        "last_login",
    ]
    list_filter = [*ROLE_FIELDS.values(), "suggested_role", "is_active", "preferred_language"]
    search_fields = ["email", "given_name", "family_name"]
    ordering = ["family_name", "given_name"]
    readonly_fields = ["email", "suggested_role", "last_login", "date_joined"]
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
        (_("Roles"), {"fields": [*ROLE_FIELDS.values(), "suggested_role", "is_active"]}),
        (_("History"), {"fields": ["last_login", "date_joined"]}),
    ]
    actions = ["invite", "disable_and_sign_out"]

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

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(has_mfa=strong_authenticator_exists())

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        if obj.pk == request.user.pk:
            # Disabling yourself would end the very session making the change.
            return [*self.readonly_fields, "is_active"]
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            if "is_active" in form.changed_data and not obj.is_active:
                ended = deactivate_account(user=obj, by=request.user)
                self.message_user(
                    request,
                    ngettext(
                        "%(name)s can no longer log in; %(count)d session was ended.",
                        "%(name)s can no longer log in; %(count)d sessions were ended.",
                        ended,
                    )
                    % {"name": obj, "count": ended},
                    messages.SUCCESS,
                )
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

    @admin.display(description=_("two-factor"), boolean=True, ordering="has_mfa")
    def has_mfa(self, obj: User) -> bool:
        return obj.has_mfa

    @admin.action(description=_("Disable and sign out"), permissions=["change"])
    def disable_and_sign_out(self, request, queryset):
        people = list(queryset.exclude(pk=request.user.pk))
        if len(people) < queryset.count():
            self.message_user(
                request,
                _("You cannot disable your own account; it was left as it is."),
                messages.WARNING,
            )
        for person in people:
            deactivate_account(user=person, by=request.user)
        self.message_user(
            request,
            ngettext(
                "%(count)d person was disabled and signed out everywhere.",
                "%(count)d people were disabled and signed out everywhere.",
                len(people),
            )
            % {"count": len(people)},
            messages.SUCCESS,
        )

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
