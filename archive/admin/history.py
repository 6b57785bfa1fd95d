"""Revision history in the admin: every save, bulk action and delete kept as a version; a
record's history, a difference between any two of its versions, "revert to this version", and
the deleted records of a kind with a way to restore them.

Who may revert: an Editor (who may publish the kind) any version of any record; a Contributor
only a draft they made (the record's first version is theirs) back to a draft version.
Restoring a deleted record is for Editors. Enforced here, on the server, for GET and POST.
"""

import json

from django.contrib import messages
from django.contrib.admin.models import LogEntry
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from .. import history
from ..history.diff import compare
from ..models import Status

NOT_ALLOWED_TO_REVERT = (
    "Only an Editor can revert this record: a Contributor may revert only a draft they made, "
    "to a draft version."
)

CLASHES = (
    "Nothing was changed: another record now has this version's address (slug) or keys. "
    "Change that record's slug first, then try again."
)


def _message_text(message):
    if isinstance(message, list):
        message = json.dumps(message)
    return LogEntry(change_message=message).get_change_message()


class HistoryAdminMixin:
    """For a ModelAdmin of a kind of record (see the module's documentation)."""

    object_history_template = "admin/history/object_history.html"
    change_list_template = "admin/history/change_list.html"

    # Recording

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        with history.recording(user=request.user, action="admin"):
            return super().changeform_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        # Bulk actions (publish, unpublish) and list edits.
        with history.recording(user=request.user, action="admin"):
            extra_context = {**(extra_context or {}), "deleted_url": self._url("deleted")}
            return super().changelist_view(request, extra_context)

    def log_addition(self, request, obj, message):
        self._set_comment(message or "Added.")
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        self._set_comment(message or "Changed.")
        return super().log_change(request, obj, message)

    def _set_comment(self, message):
        import reversion

        if reversion.is_active():
            reversion.set_comment(_message_text(message) or "No fields changed.")

    def save_related(self, request, form, formsets, change):
        """After links, tags and inline rows are saved: keep the record as it now is (its
        affiliations are saved after its tags), and the other records whose link rows an
        inline changed (an organisation's members: those people)."""
        from ..registry import BY_MODEL

        super().save_related(request, form, formsets, change)
        touched = [form.instance]
        for formset in formsets:
            if formset.model in BY_MODEL:
                continue  # records of their own, kept as they are saved
            rows = [
                *formset.new_objects,
                *(row for row, _ in formset.changed_objects),
                *formset.deleted_objects,
            ]
            for field in formset.model._meta.concrete_fields:
                other = field.related_model if field.is_relation else None
                if other in BY_MODEL and other is not self.model:
                    touched += [getattr(row, field.name) for row in rows]
        history.record(touched)

    def delete_model(self, request, obj):
        history.record_deletion([obj], user=request.user)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        history.record_deletion(queryset, user=request.user)
        super().delete_queryset(request, queryset)

    # Who may revert

    def revert_rule(self, request, obj):
        """What the user may revert this record to: "any" version (an Editor), "drafts" (a
        Contributor, for a draft they made: its first version is theirs), or None."""
        from .base import can_publish

        if can_publish(request.user, self.model):
            return "any"
        if obj.status != Status.DRAFT or not self.has_change_permission(request, obj):
            return None
        first = history.versions_of(obj).order_by("pk").values("revision__user_id").first()
        if first is not None and first["revision__user_id"] == request.user.pk:
            return "drafts"
        return None

    def can_revert(self, request, obj, version, rule=None):
        rule = rule or self.revert_rule(request, obj)
        if rule == "drafts":
            return history.snapshot(version).fields.get("status") == Status.DRAFT
        return rule == "any"

    def can_restore(self, request):
        from .base import can_publish

        return can_publish(request.user, self.model) and self.has_add_permission(request)

    # Views

    def get_urls(self):
        wrap = self.admin_site.admin_view
        name = f"{self.model._meta.app_label}_{self.model._meta.model_name}"
        return [
            path(
                "<path:object_id>/history/compare/",
                wrap(self.compare_view),
                name=f"{name}_compare",
            ),
            path(
                "<path:object_id>/history/<int:version_id>/revert/",
                wrap(self.revert_view),
                name=f"{name}_revert",
            ),
            path("deleted/", wrap(self.deleted_view), name=f"{name}_deleted"),
            path(
                "deleted/<int:version_id>/",
                wrap(self.restore_view),
                name=f"{name}_restore",
            ),
            *super().get_urls(),
        ]

    def _url(self, view, *args):
        opts = self.model._meta
        return reverse(
            f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_{view}", args=args
        )

    def _context(self, request, title, obj=None, **more):
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            "object": obj,
            "change_url": self._url("change", obj.pk) if obj is not None else None,
            "history_url": self._url("history", obj.pk) if obj is not None else None,
            **more,
        }

    def _record(self, request, object_id):
        obj = self.get_object(request, object_id)
        if obj is None or not self.has_view_or_change_permission(request, obj):
            raise Http404("No such record.")
        return obj

    def _version(self, obj, version_id):
        version = history.versions_of(obj).filter(pk=version_id).first()
        if version is None:
            raise Http404("No such version of this record.")
        return version

    def history_view(self, request, object_id, extra_context=None):
        obj = self._record(request, object_id)
        versions = list(history.versions_of(obj)[:100])
        rule = self.revert_rule(request, obj)
        rows = [
            {
                "version": version,
                "revert_url": self._url("revert", obj.pk, version.pk),
                "can_revert": index > 0 and self.can_revert(request, obj, version, rule),
            }
            for index, version in enumerate(versions)
        ]
        context = self._context(
            request,
            f"History: {obj}",
            obj,
            rows=rows,
            compare_url=self._url("compare", obj.pk),
            module_name=str(self.model._meta.verbose_name_plural),
        )
        return TemplateResponse(request, self.object_history_template, context)

    def compare_view(self, request, object_id):
        obj = self._record(request, object_id)
        try:
            old_id = int(request.GET.get("old", ""))
            new_id = request.GET.get("new", "")
            new_id = int(new_id) if new_id not in ("", "current") else None
        except ValueError:
            raise Http404("Choose two versions to compare.") from None
        old = self._version(obj, old_id)
        new = self._version(obj, new_id) if new_id is not None else None
        if new is not None and new.pk < old.pk:
            old, new = new, old
        context = self._context(
            request,
            f"Changes to {obj}",
            obj,
            old=old,
            new=new,
            lines=compare(old, new),
        )
        return TemplateResponse(request, "admin/history/compare.html", context)

    def revert_view(self, request, object_id, version_id):
        obj = self._record(request, object_id)
        version = self._version(obj, version_id)
        if not self.can_revert(request, obj, version):
            raise PermissionDenied(NOT_ALLOWED_TO_REVERT)
        if request.method == "POST":
            try:
                with transaction.atomic():
                    history.revert(version, user=request.user)
            except IntegrityError:
                self.message_user(request, CLASHES, messages.ERROR)
                return HttpResponseRedirect(self._url("history", obj.pk))
            self.message_user(
                request,
                format_html(
                    "“{}” was reverted to the version of {}.",
                    obj,
                    version.revision.date_created.strftime("%Y-%m-%d %H:%M"),
                ),
                messages.SUCCESS,
            )
            return HttpResponseRedirect(self._url("change", obj.pk))
        context = self._context(
            request,
            f"Revert {obj}?",
            obj,
            old=version,
            new=None,
            lines=compare(version, None),
            reverting=True,
        )
        return TemplateResponse(request, "admin/history/compare.html", context)

    def deleted_view(self, request):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        versions = history.deleted_versions(self.model)[:200]
        rows = [
            {"version": version, "restore_url": self._url("restore", version.pk)}
            for version in versions
        ]
        context = self._context(
            request,
            f"Deleted {self.model._meta.verbose_name_plural}",
            rows=rows,
            can_restore=self.can_restore(request),
            changelist_url=self._url("changelist"),
        )
        return TemplateResponse(request, "admin/history/deleted.html", context)

    def restore_view(self, request, version_id):
        if not self.can_restore(request):
            raise PermissionDenied("Only an Editor can restore a deleted record.")
        version = get_object_or_404(history.deleted_versions(self.model), pk=version_id)
        if request.method != "POST":
            return HttpResponseRedirect(self._url("deleted"))
        try:
            with transaction.atomic():
                obj = history.revert(
                    version, user=request.user, comment="Restored after deletion", action="restore"
                )
        except IntegrityError:
            self.message_user(request, CLASHES, messages.ERROR)
            return HttpResponseRedirect(self._url("deleted"))
        self.message_user(request, format_html("“{}” was restored.", obj), messages.SUCCESS)
        return HttpResponseRedirect(self._url("change", obj.pk))
