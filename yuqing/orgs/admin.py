from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from yuqing.orgs.models import Unit, User


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "kind", "parent", "path")
    search_fields = ("name", "code")
    list_filter = ("kind",)


@admin.register(User)
class YuqingUserAdmin(UserAdmin):
    list_display = ("username", "first_name", "unit", "role", "is_active", "last_login")
    list_filter = ("role", "unit", "is_active")
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        (_("Organisation"), {"fields": ("unit", "role")}),
    )
    add_fieldsets = (
        *UserAdmin.add_fieldsets,
        (_("Organisation"), {"fields": ("unit", "role")}),
    )
