"""The admin's "Merge selected records" action: a confirmation page showing what moves, then
``archive.merging.merge`` (the code path ``manage.py merge_records`` uses too)."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse

from .. import merging
from ..models import Merge
from .base import WrittenByTheArchiveMixin, can_publish


def may_merge(request, model):
    """Editors: merging deletes the duplicates and changes published records."""
    opts = model._meta
    return can_publish(request.user, model) and request.user.has_perm(
        f"{opts.app_label}.delete_{opts.model_name}"
    )


class MergeMixin:
    """Adds the merge action to a kind's admin (people, organisations, places)."""

    def has_merge_permission(self, request):
        return may_merge(request, self.model)


@admin.action(description="Merge selected records into one", permissions=["merge"])
def merge_selected(modeladmin, request, queryset):
    if not may_merge(request, modeladmin.model):
        raise PermissionDenied  # the action is not offered; a forged request ends here
    records = list(queryset)
    if len(records) < 2:
        modeladmin.message_user(
            request, "Select two or more records to merge into one.", messages.WARNING
        )
        return None
    by_pk = {str(record.pk): record for record in records}
    chosen = request.POST.get("survivor")
    if request.POST.get("post") == "yes" and chosen in by_pk:
        survivor = by_pk[chosen]
        duplicates = [record for pk, record in by_pk.items() if pk != chosen]
        try:
            done = merging.merge(survivor, duplicates, user=request.user)
        except ValidationError as error:
            modeladmin.message_user(request, " ".join(error.messages), messages.ERROR)
            return None
        modeladmin.message_user(
            request,
            f"{done.description}: its links moved, its names are now aliases and its old "
            "addresses lead here.",
            messages.SUCCESS,
        )
        return None
    opts = modeladmin.model._meta
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": f"Merge {opts.verbose_name_plural}",
        "opts": opts,
        "records": [merging.moves_of(record) for record in records],
        "survivor": chosen if chosen in by_pk else str(records[0].pk),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "media": modeladmin.media,
    }
    return TemplateResponse(request, "admin/archive/merge_confirmation.html", context)


@admin.action(description="Revert the selected merges", permissions=["revert"])
def revert_selected(modeladmin, request, queryset):
    for merge in queryset.select_related("content_type"):
        if not may_merge(request, merge.content_type.model_class()):
            raise PermissionDenied
        try:
            merging.revert_merge(merge, user=request.user)
        except ValidationError as error:
            modeladmin.message_user(request, " ".join(error.messages), messages.ERROR)
            continue
        modeladmin.message_user(request, f"Reverted: {merge.description}.", messages.SUCCESS)
    return None


@admin.register(Merge)
class MergeAdmin(WrittenByTheArchiveMixin, admin.ModelAdmin):
    """Merges as they were done, each revertable (Editors only); read-only otherwise."""

    list_display = ["description", "merged_at", "merged_by", "reverted_at"]
    list_select_related = ["revision__user"]
    actions = [revert_selected]
    fields = ["description", "merged_at", "merged_by", "reverted_at"]
    readonly_fields = fields

    @admin.display(description="merged at", ordering="revision__date_created")
    def merged_at(self, obj):
        return obj.revision.date_created

    @admin.display(description="merged by")
    def merged_by(self, obj):
        return obj.revision.user or "a command"

    def has_revert_permission(self, request):
        return any(may_merge(request, kind.model) for kind in merging.mergeable_kinds())

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff
