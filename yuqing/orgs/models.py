"""Units (a tree) and users who belong to one unit with one role."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from yuqing.orgs.roles import Role, role_has_perm

_code_validator = RegexValidator(
    r"^[a-z0-9][a-z0-9_-]*$", _("Lower-case letters, digits, - and _.")
)


class Unit(models.Model):
    """An organisational unit: district → street → community, ministry → bureau → division.

    ``path`` is the materialised chain of codes (``/district/street/``) so that "this unit and
    everything below it" is one indexed prefix query, however deep the tree.
    """

    name = models.CharField(_("name"), max_length=100)
    code = models.SlugField(_("code"), max_length=40, unique=True, validators=[_code_validator])
    kind = models.CharField(_("kind"), max_length=40, blank=True,
                            help_text=_("e.g. district, street, community, bureau"))
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True,
                               related_name="children", verbose_name=_("parent unit"))
    path = models.CharField(max_length=1000, db_index=True, editable=False)

    class Meta:
        ordering = ["path"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        old_path = self.path
        self.path = (self.parent.path if self.parent else "/") + self.code + "/"
        with transaction.atomic():
            super().save(*args, **kwargs)  # type: ignore[arg-type]
            if old_path and old_path != self.path:
                for child in self.children.all():
                    child.save()

    def clean(self) -> None:
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk == self.pk:
                raise ValidationError({"parent": _("A unit cannot be placed below itself.")})
            ancestor = ancestor.parent

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2

    def subtree(self) -> models.QuerySet[Unit]:
        return Unit.objects.filter(path__startswith=self.path)


class User(AbstractUser):
    """A person using yuqing: belongs to one unit, has one role."""

    unit = models.ForeignKey(Unit, models.PROTECT, null=True, blank=True,
                             related_name="members", verbose_name=_("unit"))
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.VIEWER)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    def save(self, *args: object, **kwargs: object) -> None:
        # Administrators configure the platform through Django's admin; nobody else may.
        self.is_staff = self.is_superuser = self.role == Role.ADMIN
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def has_role_perm(self, perm: str) -> bool:
        return self.is_active and role_has_perm(self.role, perm)
