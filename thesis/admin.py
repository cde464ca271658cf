"""Reference data in Django's admin (for programme administrators); the work itself happens
in the thesis screens, where the rules are enforced."""

from django.contrib import admin

from .models import HostOrganisation, MilestoneTemplate, ResearchApproach


@admin.register(ResearchApproach)
class ResearchApproachAdmin(admin.ModelAdmin):
    list_display = ("code", "name_nl", "name_en", "position")
    ordering = ("position", "code")


@admin.register(HostOrganisation)
class HostOrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "sector", "agreement", "confidential", "may_be_named")
    list_filter = ("agreement", "confidential", "may_be_named")
    search_fields = ("name", "sector", "contact_name")


@admin.register(MilestoneTemplate)
class MilestoneTemplateAdmin(admin.ModelAdmin):
    list_display = ("version", "position", "kind", "name_nl", "offset_weeks")
    list_filter = ("version",)
    ordering = ("version", "position")
