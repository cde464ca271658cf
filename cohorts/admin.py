from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Cohort, Enrolment


class EnrolmentInline(admin.TabularInline):
    model = Enrolment
    extra = 0
    autocomplete_fields = ["student"]
    fields = ["student", "student_number", "status", "enrolled_on"]


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["name", "start_date", "end_date", "active_students"]
    search_fields = ["name"]
    inlines = [EnrolmentInline]

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
    autocomplete_fields = ["student"]
    list_select_related = ["student", "cohort"]
