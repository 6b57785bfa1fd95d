"""What every record's admin shares: publication rights, tag filters, efficient lists."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.contenttypes.models import ContentType
from django.db import models
from taggit.models import Tag

from ..models import Status
from .history import HistoryAdminMixin

NOT_ALLOWED_TO_PUBLISH = (
    "You can save drafts, but not publish: set the status to “Draft” and ask an Editor "
    "to publish it."
)
NOT_ALLOWED_TO_CHANGE_PUBLISHED = (
    "This record is published; only an Editor can change it. Ask an Editor, or work on a "
    "draft copy."
)


def can_publish(user, model):
    opts = model._meta
    return user.has_perm(f"{opts.app_label}.publish_{opts.model_name}")


def publication_guarded(form_class, allowed_to_publish):
    """A form class that refuses publishing, or changing a published record, without the right."""

    class PublicationGuardedForm(form_class):
        def clean(self):
            cleaned = super().clean()
            if allowed_to_publish:
                return cleaned
            if self.instance.pk and not self.has_changed():
                return cleaned  # an untouched inline row, which saving leaves as it is
            if self.instance.pk and self.instance.status == Status.PUBLISHED:
                raise forms.ValidationError(NOT_ALLOWED_TO_CHANGE_PUBLISHED)
            if cleaned.get("status") == Status.PUBLISHED:
                self.add_error("status", NOT_ALLOWED_TO_PUBLISH)
            return cleaned

    return PublicationGuardedForm


class WrittenByTheArchiveMixin:
    """For rows the archive writes itself (import runs, merges): shown in the admin, never
    added, changed or deleted there."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PublicationGuardMixin:
    """Server-side publishing rights for a ModelAdmin or an inline."""

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return publication_guarded(form, can_publish(request.user, self.model))

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = publication_guarded(formset.form, can_publish(request.user, self.model))
        return formset

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if allowed and obj is not None and getattr(obj, "status", None) == Status.PUBLISHED:
            return can_publish(request.user, type(obj))
        return allowed


class TagFilter(admin.SimpleListFilter):
    title = "tag"
    parameter_name = "tag"

    def lookups(self, request, model_admin):
        content_type = ContentType.objects.get_for_model(model_admin.model)
        tags = (
            Tag.objects.filter(taggit_taggeditem_items__content_type=content_type)
            .distinct()
            .order_by("name")[:200]
        )
        return [(tag.slug, tag.name) for tag in tags]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(tags__slug=self.value()).distinct()
        return queryset


def year_filter(field_name, title):
    """A list filter by the year of a partial date field."""

    class YearFilter(admin.SimpleListFilter):
        parameter_name = f"{field_name}_year"

        def lookups(self, request, model_admin):
            years = model_admin.model._default_manager.years(field_name, descending=True)
            return [(year, year) for year in years] + [("unknown", "Unknown")]

        def queryset(self, request, queryset):
            value = self.value()
            if value == "unknown":
                return queryset.filter(**{field_name: ""})
            if value and value.isdigit():
                return queryset.filter(**{f"{field_name}__startswith": value})
            return queryset

    YearFilter.title = title
    return YearFilter


@admin.action(description="Publish selected records", permissions=["publish"])
def publish_selected(modeladmin, request, queryset):
    updated = queryset.publish()
    modeladmin.message_user(request, f"Published {updated} record(s).", messages.SUCCESS)


@admin.action(description="Return selected records to draft", permissions=["publish"])
def unpublish_selected(modeladmin, request, queryset):
    updated = queryset.unpublish()
    modeladmin.message_user(request, f"Returned {updated} record(s) to draft.", messages.SUCCESS)


class RecordAdmin(HistoryAdminMixin, PublicationGuardMixin, admin.ModelAdmin):
    actions = [publish_selected, unpublish_selected]
    list_per_page = 50
    show_full_result_count = False
    readonly_fields = ["created_at", "updated_at", "import_run"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_publish_permission(self, request):
        return can_publish(request.user, self.model)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tags")

    def get_inlines(self, request, obj):
        from .documents import DocumentInline  # every kind of record may have files

        return [*super().get_inlines(request, obj), DocumentInline]

    @admin.display(description="tags")
    def tag_list(self, obj):
        return ", ".join(tag.name for tag in obj.tags.all())

    @admin.display(description="status", ordering="status")
    def status_badge(self, obj):
        return obj.get_status_display()


class PreloadedAutocompleteSelect(AutocompleteSelect):
    """An autocomplete whose selected option comes from the object the inline already loaded.

    Django's widget looks the selected object up again for every row; in an inline with many
    rows that is a query per row.
    """

    preloaded = None

    def optgroups(self, name, value, attr=None):
        selected = [str(v) for v in value if str(v) not in self.choices.field.empty_values]
        preloaded = self.preloaded
        if preloaded is None or [str(preloaded.pk)] != selected:
            return super().optgroups(name, value, attr)
        label = self.choices.field.label_from_instance(preloaded)
        options = [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        options.append(self.create_option(name, preloaded.pk, label, True, len(options)))
        return [(None, options, 0)]


class PreloadedAutocompleteInline(admin.TabularInline):
    """A tabular inline whose foreign-key autocompletes cost no query per row."""

    def get_queryset(self, request):
        # Every foreign key: the row's label (its __str__) may use the parent too.
        relations = [f.name for f in self.model._meta.concrete_fields if f.is_relation]
        return super().get_queryset(request).select_related(*relations)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.autocomplete_fields:
            kwargs["widget"] = PreloadedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        fields = list(self.autocomplete_fields)

        class PreloadedForm(formset.form):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                if self.instance.pk is None:
                    return
                for name in fields:
                    widget = self.fields[name].widget
                    widget = getattr(widget, "widget", widget)  # inside the related-field wrapper
                    widget.preloaded = getattr(self.instance, name)

        formset.form = PreloadedForm
        return formset
