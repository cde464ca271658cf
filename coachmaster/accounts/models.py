"""People who use CoachMaster and the roles they hold."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The four roles of the platform, in the order `/` prefers them."""

    STUDENT = "student", _("Student")
    LECTURER = "lecturer", _("Lecturer")
    SUPERVISOR = "supervisor", _("Thesis supervisor")
    PROGRAMME_ADMIN = "programme_admin", _("Programme administrator")


class SuggestedRole(models.TextChoices):
    """What the institution says someone is (SURFconext's eduPersonAffiliation).

    A hint for the programme administration, never a right: roles are granted by hand.
    """

    STUDENT = "student", _("Student")
    STAFF = "staff", _("Staff member")


# Each role is a boolean column so lists of staff can be filtered and indexed cheaply.
ROLE_FIELDS: dict[str, str] = {
    Role.STUDENT: "is_student",
    Role.LECTURER: "is_lecturer",
    Role.SUPERVISOR: "is_supervisor",
    Role.PROGRAMME_ADMIN: "is_programme_admin",
}


class UserQuerySet(models.QuerySet):
    def with_role(self, role: str) -> UserQuerySet:
        return self.filter(**{ROLE_FIELDS[role]: True})

    def active(self) -> UserQuerySet:
        return self.filter(is_active=True)

    def role_counts(self) -> dict[str, int]:
        """How many people hold each role, in one query."""
        return self.aggregate(
            **{
                role: models.Count("pk", filter=models.Q(**{field: True}))
                for role, field in ROLE_FIELDS.items()
            }
        )

    def by_family_name(self) -> UserQuerySet:
        return self.order_by("family_name", "given_name", "email")


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> User:
        """The first administrator, made on the server: their address counts as verified."""
        from allauth.account.models import EmailAddress

        fields.setdefault("is_superuser", True)
        fields.setdefault("is_programme_admin", True)
        user = self.create_user(email, password, **fields)
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        return user


def sort_name(given_name: str, name_prefix: str, family_name: str) -> str:
    """``User.sort_name`` from the parts of a name, for lists read without building users."""
    rest = " ".join(part for part in (given_name, name_prefix) if part)
    return f"{family_name}, {rest}" if rest else family_name


class User(AbstractBaseUser, PermissionsMixin):
    """A person: e-mail is the login, the Dutch name prefix (tussenvoegsel) has its own field."""

    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(_("e-mail address"), unique=True)
    given_name = models.CharField(_("given name"), max_length=150)
    name_prefix = models.CharField(
        _("name prefix"),
        max_length=30,
        blank=True,
        help_text=_('Dutch "tussenvoegsel", for example "van der".'),
    )
    family_name = models.CharField(_("family name"), max_length=150)
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    weekly_digest = models.BooleanField(
        _("weekly digest"),
        default=True,
        help_text=_("A weekly e-mail with what is due and waiting for you."),
    )
    is_student = models.BooleanField(_("student"), default=False)
    is_lecturer = models.BooleanField(_("lecturer"), default=False)
    is_supervisor = models.BooleanField(_("thesis supervisor"), default=False)
    is_programme_admin = models.BooleanField(
        _("programme administrator"),
        default=False,
        help_text=_("Manages the programme and may use the administration screens."),
    )
    suggested_role = models.CharField(
        _("role suggested by SURFconext"),
        max_length=16,
        choices=SuggestedRole.choices,
        blank=True,
        help_text=_(
            "From the institution's affiliation at the last SURFconext login. Only a "
            "suggestion: it grants nothing."
        ),
    )
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Clear this instead of deleting the account; inactive people cannot log in."),
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["given_name", "family_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["family_name", "given_name", "email"]
        indexes = [
            models.Index(fields=["family_name", "given_name"], name="user_family_name_idx"),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def get_full_name(self) -> str:
        return " ".join(p for p in (self.given_name, self.name_prefix, self.family_name) if p)

    def get_short_name(self) -> str:
        return self.given_name

    @property
    def sort_name(self) -> str:
        """How Dutch lists sort and show a name: "Berg, Anna van den"."""
        return sort_name(self.given_name, self.name_prefix, self.family_name)

    @property
    def is_staff(self) -> bool:
        """Django's admin (behind allauth's login) is for programme administrators only."""
        return self.is_active and (self.is_programme_admin or self.is_superuser)

    @property
    def roles(self) -> list[str]:
        """The roles this person holds, in the platform's fixed order."""
        return [role for role, field in ROLE_FIELDS.items() if getattr(self, field)]

    def has_role(self, role: str) -> bool:
        return bool(getattr(self, ROLE_FIELDS[role], False))
