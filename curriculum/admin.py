"""Disciplines and programmes are reference data administrators extend in Django's admin.

Versions, periods and modules are edited on the curriculum pages, where the rules about used
versions are enforced; the admin shows no editing screens for them.
"""

from django.contrib import admin

from .models import Discipline, Programme


@admin.register(Discipline)
class DisciplineAdmin(admin.ModelAdmin):
    list_display = ["code", "name_nl", "name_en", "position"]
    list_editable = ["position"]
    search_fields = ["code", "name_nl", "name_en"]


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["code", "name_nl", "name_en"]
    search_fields = ["code", "name_nl", "name_en"]
