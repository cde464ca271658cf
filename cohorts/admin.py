from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from curriculum.models import CurriculumVersion

from .models import Cohort, Enrolment, ImportProfile, IntervisionMethod


class EnrolmentInline(admin.TabularInline):
    """Enrolments are made and their status changed on the cohort pages, which keep the
    history; here they can only be read (and a student number corrected)."""

    model = Enrolment
    extra = 0
    fields = ["student", "student_number", "status", "enrolled_on"]
    readonly_fields = ["student", "status", "enrolled_on"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["name", "start_date", "end_date", "curriculum_version", "active_students"]
    list_select_related = ["curriculum_version__programme"]
    search_fields = ["name"]
    inlines = [EnrolmentInline]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        # A cohort starts on an active version; its current one stays choosable when retired.
        field = form.base_fields["curriculum_version"]
        current = obj.curriculum_version_id if obj else None
        field.queryset = field.queryset.filter(
            Q(status=CurriculumVersion.Status.ACTIVE) | Q(pk=current)
        ).select_related("programme")
        field.required = True
        return form

    def get_queryset(self, request):
        return super().get_queryset(request).with_student_counts()

    @admin.display(description=_("active students"), ordering="active_student_count")
    def active_students(self, obj: Cohort) -> int:
        return obj.active_student_count


@admin.register(Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    list_display = ["student", "student_number", "cohort", "status", "enrolled_on"]
    list_filter = ["cohort", "status"]
    search_fields = [
        "student__family_name",
        "student__given_name",
        "student__email",
        "student_number",
    ]
    list_select_related = ["student", "cohort"]
    # Made and moved through statuses on the cohort pages, which record the history.
    readonly_fields = ["student", "cohort", "status", "status_since", "enrolled_on"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(IntervisionMethod)
class IntervisionMethodAdmin(admin.ModelAdmin):
    """Intervision methods are reference data: administrators extend the list here."""

    list_display = ["code", "name_nl", "name_en", "position"]
    list_editable = ["position"]
    search_fields = ["code", "name_nl", "name_en"]


@admin.register(ImportProfile)
class ImportProfileAdmin(admin.ModelAdmin):
    list_display = ["name", "updated_at", "created_by"]
    search_fields = ["name"]
    readonly_fields = ["created_by", "updated_at"]
