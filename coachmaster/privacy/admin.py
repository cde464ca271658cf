"""The Django admin shows the privacy records read-only: changes go through the pages (and
their services), which enforce the legal minimum and keep the proof intact."""

from django.contrib import admin

from .models import DataExport, ErasureRequest, RetentionRule, RetentionRun


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RetentionRule)
class RetentionRuleAdmin(ReadOnlyAdmin):
    list_display = ["category", "years", "months", "clock", "action", "kept_on_erasure"]


@admin.register(RetentionRun)
class RetentionRunAdmin(ReadOnlyAdmin):
    list_display = ["started_at", "category", "action", "dry_run", "affected", "kept"]
    list_filter = ["category", "dry_run", "source"]


@admin.register(DataExport)
class DataExportAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "subject", "requested_by", "status", "downloads"]
    list_select_related = ["subject", "requested_by"]


@admin.register(ErasureRequest)
class ErasureRequestAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "subject", "status", "carried_out_at"]
    list_select_related = ["subject"]
