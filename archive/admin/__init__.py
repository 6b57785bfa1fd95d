from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db import models
from django.template.response import TemplateResponse

from ..importers.locking import ArchiveBusy
from ..importers.undo import UndoError, plan_undo, undo_import
from ..models import Affiliation, Article, Event, ImportRun, Organization, Person, Place, Quotation
from . import documents  # noqa: F401 (registers the documents' admin)
from .base import (
    PreloadedAutocompleteInline,
    PublicationGuardMixin,
    RecordAdmin,
    TagFilter,
    WrittenByTheArchiveMixin,
    year_filter,
)
from .merging import MergeAdmin, MergeMixin, merge_selected

__all__ = ["MergeAdmin"]

admin.site.site_header = "Archive administration"
admin.site.site_title = "Archive"
admin.site.index_title = "Edit the archive"

# Text in any language and direction: the browser sets each text box's direction from what is typed.
TEXT_IN_ANY_DIRECTION = {
    models.TextField: {"widget": forms.Textarea(attrs={"dir": "auto", "rows": 10, "cols": 40})},
}

STATUS_FIELDS = ("Publication", {"fields": ["status", "tags"]})
HISTORY_FIELDS = (
    "History",
    {"fields": ["created_at", "updated_at", "import_run"], "classes": ["collapse"]},
)


class AffiliationInline(PreloadedAutocompleteInline):
    model = Affiliation
    extra = 0
    autocomplete_fields = ["organization"]
    verbose_name = "affiliation"


class OrganizationMembersInline(AffiliationInline):
    autocomplete_fields = ["person"]
    verbose_name = "member"
    verbose_name_plural = "people affiliated"


@admin.register(Organization)
class OrganizationAdmin(MergeMixin, RecordAdmin):
    actions = [*RecordAdmin.actions, merge_selected]
    list_display = ["name", "acronym", "kind", "status", "tag_list", "updated_at"]
    list_filter = ["status", "kind", TagFilter]
    search_fields = ["name", "acronym", "aliases", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [OrganizationMembersInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "acronym", "aliases", "kind", "description"]}),
        STATUS_FIELDS,
        HISTORY_FIELDS,
    ]


@admin.register(Person)
class PersonAdmin(MergeMixin, RecordAdmin):
    actions = [*RecordAdmin.actions, merge_selected]
    list_display = ["name", "sort_name", "status", "tag_list", "updated_at"]
    list_filter = ["status", TagFilter]
    search_fields = ["name", "sort_name", "aliases", "roles", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [AffiliationInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "sort_name", "aliases", "roles", "description"]}),
        STATUS_FIELDS,
        HISTORY_FIELDS,
    ]


@admin.register(Place)
class PlaceAdmin(MergeMixin, RecordAdmin):
    actions = [*RecordAdmin.actions, merge_selected]
    list_display = ["name", "kind", "status", "tag_list", "updated_at"]
    list_filter = ["status", "kind", TagFilter]
    search_fields = ["name", "aliases", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "slug", "aliases", "kind", "description"]}),
        STATUS_FIELDS,
        HISTORY_FIELDS,
    ]


@admin.register(Event)
class EventAdmin(RecordAdmin):
    list_display = ["title", "date_display", "place", "status", "tag_list", "updated_at"]
    list_filter = ["status", year_filter("date", "year"), TagFilter]
    list_select_related = ["place"]
    search_fields = ["title", "description", "slug", "place__name"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["place", "people", "organizations"]
    ordering = ["-date", "title"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "date", "end_date", "place", "description"]}),
        ("Participants", {"fields": ["people", "organizations"]}),
        STATUS_FIELDS,
        HISTORY_FIELDS,
    ]

    @admin.display(description="date", ordering="date")
    def date_display(self, obj):
        return obj.date.display


def speaker_names(quotation):
    names = [person.name for person in quotation.people.all()]
    return ", ".join(names + [org.name for org in quotation.organizations.all()])


class QuotationInline(PublicationGuardMixin, admin.StackedInline):
    """Quotations taken from the article. Speakers are chosen on the quotation's own page:
    an autocomplete per inline row would cost queries in proportion to the quotations."""

    model = Quotation
    extra = 0
    fields = ["text", "speakers", "date", "medium", "context", "slug", "status"]
    readonly_fields = ["speakers"]
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("people", "organizations")

    @admin.display(description="speakers")
    def speakers(self, obj):
        return speaker_names(obj) or "None yet: open the quotation to choose its speakers."


@admin.register(Article)
class ArticleAdmin(RecordAdmin):
    list_display = [
        "title",
        "section",
        "publication_date_display",
        "language",
        "status",
        "tag_list",
        "updated_at",
    ]
    list_filter = [
        "status",
        "section",
        "language",
        year_filter("publication_date", "year"),
        TagFilter,
    ]
    search_fields = ["title", "summary", "section", "byline", "source_name", "slug", "=language"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["people", "organizations", "places", "events"]
    # The original by its id with a lookup popup: a plain labelled input (Select2's single
    # select has no accessible name, which axe reports), and no list of every article.
    raw_id_fields = ["translation_of"]
    formfield_overrides = TEXT_IN_ANY_DIRECTION
    inlines = [QuotationInline]
    readonly_fields = [*RecordAdmin.readonly_fields, "capture_sha256", "capture_check"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "body", "body_format", "section"]}),
        (
            "Source",
            {"fields": ["byline", "source_name", "source_url", "source_guid", "publication_date"]},
        ),
        ("Language", {"fields": ["language", "translation_of"]}),
        ("Mentions", {"fields": ["people", "organizations", "places", "events"]}),
        STATUS_FIELDS,
        (
            "Capture",
            {
                "fields": ["capture_text", "capture_sha256", "capture_check"],
                "classes": ["collapse"],
            },
        ),
        HISTORY_FIELDS,
    ]

    @admin.display(description="published", ordering="publication_date")
    def publication_date_display(self, obj):
        return obj.publication_date.display

    @admin.display(description="capture intact")
    def capture_check(self, obj):
        if not obj.capture_text:
            return "No capture recorded."
        if obj.capture_verified:
            return "Yes: the capture matches the SHA-256 recorded when it was captured."
        return "NO: the capture no longer matches the SHA-256 recorded when it was captured."


@admin.register(Quotation)
class QuotationAdmin(RecordAdmin):
    list_display = [
        "__str__",
        "speakers",
        "date_display",
        "medium",
        "language",
        "article",
        "status",
    ]
    list_filter = ["status", "medium", "language", year_filter("date", "year"), TagFilter]
    list_select_related = ["article"]
    search_fields = [
        "text",
        "context",
        "people__name",
        "organizations__name",
        "slug",
        "=language",
    ]
    autocomplete_fields = ["people", "organizations", "article"]
    raw_id_fields = ["translation_of"]  # as for articles
    formfield_overrides = TEXT_IN_ANY_DIRECTION
    fieldsets = [
        (None, {"fields": ["text", "slug", "people", "organizations", "date", "medium"]}),
        ("Language", {"fields": ["language", "translation_of"]}),
        ("Source", {"fields": ["article", "context"]}),
        STATUS_FIELDS,
        HISTORY_FIELDS,
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("people", "organizations")

    @admin.display(description="speakers")
    def speakers(self, obj):
        return speaker_names(obj)

    @admin.display(description="date", ordering="date")
    def date_display(self, obj):
        return obj.date.display


@admin.register(ImportRun)
class ImportRunAdmin(WrittenByTheArchiveMixin, admin.ModelAdmin):
    list_display = ["started_at", "command", "user", "formats", "succeeded", "summary", "undone"]
    list_filter = ["command", "succeeded"]
    list_select_related = ["user", "undone_by"]
    date_hierarchy = "started_at"
    search_fields = ["files", "command"]
    readonly_fields = [
        "started_at",
        "finished_at",
        "command",
        "user",
        "files",
        "formats",
        "counts",
        "succeeded",
        "undone_at",
        "undone_by",
    ]
    actions = ["undo_import_runs"]

    @admin.display(description="changes")
    def summary(self, obj):
        parts = []
        for kind, counter in (obj.counts or {}).items():
            changed = counter.get("created", 0) + counter.get("updated", 0)
            if changed:
                parts.append(f"{kind}: {changed}")
        return ", ".join(parts) or "no changes"

    @admin.display(description="undone", ordering="undone_at")
    def undone(self, obj):
        if obj.undone_at is None:
            return ""
        by = f" by {obj.undone_by}" if obj.undone_by else ""
        return f"{obj.undone_at:%Y-%m-%d %H:%M}{by}"

    @admin.action(description="Undo the selected import run…", permissions=["undo"])
    def undo_import_runs(self, request, queryset):
        """A confirmation page listing what will change; undone when confirmed. The same
        ``archive.importers.undo`` the undo_import command uses."""
        runs = list(queryset[:2])
        if len(runs) != 1:
            self.message_user(request, "Choose one import run to undo.", messages.WARNING)
            return None
        run = runs[0]
        if request.POST.get("post"):
            try:
                plan = undo_import(run.pk, user=request.user, force=bool(request.POST.get("force")))
            except (UndoError, ArchiveBusy) as error:
                self.message_user(request, str(error), messages.ERROR)
                return None
            self.message_user(
                request, f"Undid import run {run.pk}: {plan.summary}.", messages.SUCCESS
            )
            return None
        try:
            plan = plan_undo(run)
        except UndoError as error:
            self.message_user(request, str(error), messages.ERROR)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": f"Undo import run {run.pk}?",
            "opts": self.model._meta,
            "run": run,
            "plan": plan,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/archive/importrun/undo_confirmation.html", context)

    def has_undo_permission(self, request):
        opts = self.model._meta
        return request.user.has_perm(f"{opts.app_label}.undo_{opts.model_name}")
