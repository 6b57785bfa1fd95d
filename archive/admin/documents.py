"""Files in the admin: attached on every record's page (an inline), listed and checked on their own.

Uploads go through ``archive.documents.prepare`` in the form's ``clean()``, so a refused file
is an error on the form, and ``store`` on save: the same path imports take.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.contenttypes.admin import BaseGenericInlineFormSet, GenericStackedInline
from django.forms.formsets import INITIAL_FORM_COUNT, TOTAL_FORM_COUNT
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import capfirst

from ..documents import METADATA, FileRefused, prepare, store
from ..models import Document, Status
from .base import PublicationGuardMixin, can_publish

HISTORY_FIELDS = (
    "History",
    {"fields": ["created_at", "updated_at", "import_run"], "classes": ["collapse"]},
)
REPLACE_HELP = "To replace the file, delete this document and attach the new file."


def file_size(size):
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:,} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return ""


class DocumentInlineForm(forms.ModelForm):
    upload = forms.FileField(
        label="file",
        required=False,
        help_text="PDF, images, audio, video, plain text or office documents. Its type is "
        "checked from its content.",
    )

    class Meta:
        model = Document
        fields = ["upload", *METADATA]

    prepared = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["upload"].disabled = True
            self.fields["upload"].help_text = REPLACE_HELP

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            return cleaned
        upload = cleaned.get("upload")
        if upload is None:
            self.add_error("upload", "Choose a file to attach (or remove this row).")
            return cleaned
        try:
            self.prepared = prepare(upload, upload.name)
        except FileRefused as refused:
            self.add_error("upload", refused)
        return cleaned


class DocumentFormSet(BaseGenericInlineFormSet):
    @classmethod
    def get_default_prefix(cls):
        return "documents"

    def __init__(self, data=None, *args, **kwargs):
        prefix = kwargs.get("prefix") or self.get_default_prefix()
        if data is not None and f"{prefix}-{TOTAL_FORM_COUNT}" not in data:
            # A form posted without the files' rows (a script, a form made before files
            # existed) leaves the record's files as they are.
            data = data.copy()
            data[f"{prefix}-{TOTAL_FORM_COUNT}"] = "0"
            data[f"{prefix}-{INITIAL_FORM_COUNT}"] = "0"
        super().__init__(data, *args, **kwargs)

    def save_new(self, form, commit=True):
        meta = {name: form.cleaned_data[name] for name in METADATA if name in form.cleaned_data}
        return store(self.instance, form.prepared, **meta)


class DocumentInline(PublicationGuardMixin, GenericStackedInline):
    model = Document
    form = DocumentInlineForm
    formset = DocumentFormSet
    extra = 0
    fields = ["upload", "stored_file", "title", "date", "source", "language", "status"]
    fields += ["description"]
    readonly_fields = ["stored_file"]
    verbose_name = "file"
    verbose_name_plural = "files"
    show_change_link = True

    @admin.display(description="stored file")
    def stored_file(self, obj):
        if not obj.pk:
            return "—"
        return format_html(
            "{} · {} · {} · SHA-256 {}",
            obj.original_name,
            obj.media_type,
            file_size(obj.size),
            obj.sha256,
        )


@admin.action(description="Check selected files against their SHA-256")
def verify_selected(modeladmin, request, queryset):
    damaged = [document for document in queryset if not document.verify()]
    checked = queryset.count()
    if damaged:
        names = ", ".join(str(document) for document in damaged)
        modeladmin.message_user(
            request,
            f"{len(damaged)} of {checked} file(s) no longer match their SHA-256 (changed or "
            f"missing): {names}.",
            messages.ERROR,
        )
    else:
        modeladmin.message_user(
            request, f"All {checked} file(s) match their SHA-256.", messages.SUCCESS
        )


@admin.register(Document)
class DocumentAdmin(PublicationGuardMixin, admin.ModelAdmin):
    list_display = ["__str__", "record_link", "media_type", "size_display", "status", "created_at"]
    list_filter = ["status", "media_type", "text_state"]
    search_fields = ["title", "original_name", "sha256", "source", "description"]
    list_per_page = 50
    show_full_result_count = False
    actions = [verify_selected]
    fieldsets = [
        (None, {"fields": ["record_link", "title", "description", "date", "source", "language"]}),
        ("Publication", {"fields": ["status"]}),
        (
            "File",
            {
                "fields": [
                    "original_name",
                    "media_type",
                    "size_display",
                    "page_count",
                    "dimensions",
                    "sha256",
                    "integrity",
                    "text_state",
                ]
            },
        ),
        (
            "History",
            {"fields": ["created_at", "updated_at", "import_run"], "classes": ["collapse"]},
        ),
    ]
    readonly_fields = [
        "record_link",
        "original_name",
        "media_type",
        "size_display",
        "page_count",
        "dimensions",
        "sha256",
        "integrity",
        "text_state",
        "created_at",
        "updated_at",
        "import_run",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("record")

    def has_add_permission(self, request):
        return False  # files are attached on their record's page

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        record = obj.record if obj is not None else None
        if allowed and record is not None and record.status == Status.PUBLISHED:
            # A published record's files change with it: only those who may publish it.
            return can_publish(request.user, type(record))
        return allowed

    @admin.display(description="record")
    def record_link(self, obj):
        record = obj.record
        if record is None:
            return "—"
        opts = record._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk])
        return format_html('{}: <a href="{}">{}</a>', capfirst(opts.verbose_name), url, record)

    @admin.display(description="size", ordering="size")
    def size_display(self, obj):
        return file_size(obj.size)

    @admin.display(description="dimensions")
    def dimensions(self, obj):
        return f"{obj.width} × {obj.height} pixels" if obj.width else "—"

    @admin.display(description="file intact")
    def integrity(self, obj):
        if obj.verify():
            return "Yes: the stored file matches the SHA-256 recorded when it was added."
        return "NO: the stored file is missing or no longer matches the SHA-256 recorded."
