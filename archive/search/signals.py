"""Signal handlers that keep the search index in step with every edit.

Connected in ``SearchConfig.ready``. Writes that send no signals (``bulk_create``,
``QuerySet.update``) must call ``archive.search.index.reindex`` themselves; bulk status changes
send ``statuses_changed``.
"""

import threading

from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from taggit.models import Tag, TaggedItem

from ..models import Document
from ..models.base import statuses_changed
from .documents import INDEXED_MODELS, NAMED_LINKS
from .index import NAMED_MODELS, batched, dependents_of, reindex, reindex_with_dependents

_managed = threading.local()


def _managed_keys():
    if not hasattr(_managed, "keys"):
        _managed.keys = set()
    return _managed.keys


def dependents(record):
    """(model, pks) of the records whose documents carry ``record``'s names."""
    return dependents_of(type(record), [record.pk])


def _names_and_status(record):
    return (record.status, tuple(record.names))


def remember_names(sender, instance, raw=False, **kwargs):
    """Before a named record is saved: what its names and status were, to spot a change."""
    if raw or instance.pk is None:
        instance._search_names_before = None
        return
    before = sender._default_manager.filter(pk=instance.pk).first()
    instance._search_names_before = _names_and_status(before) if before else None


def record_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    with batched():
        reindex(sender, [instance.pk])
        if sender in NAMED_MODELS:
            before = getattr(instance, "_search_names_before", None)
            if before is not None and before != _names_and_status(instance):
                for model, pks in dependents(instance):
                    reindex(model, pks)


def record_deleting(sender, instance, **kwargs):
    if sender in NAMED_MODELS:
        instance._search_dependents = dependents(instance)


def record_deleted(sender, instance, **kwargs):
    with batched():
        reindex(sender, [instance.pk])
        for model, pks in getattr(instance, "_search_dependents", []):
            reindex(model, pks)


def links_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    """A named link was added or removed, from either side."""
    if not reverse:
        if action.startswith("post_"):
            reindex(type(instance), [instance.pk])
        return
    if action == "pre_clear":
        forward_model, name = LINK_THROUGHS[sender]
        instance._search_cleared = list(
            forward_model._default_manager.filter(**{name: instance.pk}).values_list(
                "pk", flat=True
            )
        )
    elif action == "post_clear":
        reindex(model, getattr(instance, "_search_cleared", []))
    elif action in ("post_add", "post_remove"):
        reindex(model, pk_set or [])


def tags_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    """Tags set through a record's ``tags`` manager (the admin, the importer)."""
    if reverse or type(instance) not in INDEXED_MODELS:
        return
    key = (type(instance), instance.pk)
    if action.startswith("pre_"):
        _managed_keys().add(key)
    else:
        _managed_keys().discard(key)
        reindex(type(instance), [instance.pk])


def tagged_item_changed(sender, instance, raw=False, **kwargs):
    """A tagging written directly (e.g. the tag admin's inline), not through a manager."""
    if raw:
        return
    model = ContentType.objects.get_for_id(instance.content_type_id).model_class()
    if model in INDEXED_MODELS and (model, instance.object_id) not in _managed_keys():
        reindex(model, [instance.object_id])


def tag_saved(sender, instance, created=False, raw=False, **kwargs):
    """A renamed tag: every record carrying it has new words. (A deleted tag takes its
    taggings with it, and ``tagged_item_changed`` sees each of those go.)"""
    if raw or created:
        return
    with batched():
        for model, pks in _tagged_with(instance):
            reindex(model, pks)


def _tagged_with(tag):
    by_model = {}
    for content_type_id, object_id in TaggedItem.objects.filter(tag=tag).values_list(
        "content_type", "object_id"
    ):
        by_model.setdefault(content_type_id, []).append(object_id)
    found = []
    for content_type_id, pks in by_model.items():
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        if model in INDEXED_MODELS:
            found.append((model, pks))
    return found


LINK_THROUGHS = {
    getattr(model, name).through: (model, name)
    for model, links in NAMED_LINKS.items()
    for name in links
}


def document_changed(sender, instance, raw=False, **kwargs):
    """A file added to a record, changed (its text, title or status) or deleted: its words
    join or leave the record's entry. (A record's deletion deletes its files, whose entry is
    gone already.)"""
    if raw:
        return
    model = ContentType.objects.get_for_id(instance.content_type_id).model_class()
    reindex(model, [instance.object_id])


def statuses_set(sender, pks, **kwargs):
    """Records published or withdrawn in bulk (``RecordQuerySet.set_status``): their names
    appear in or vanish from other records' documents too."""
    reindex_with_dependents(sender, pks)


def connect():
    uid = "archive.search"
    for model in INDEXED_MODELS:
        if model in NAMED_MODELS:
            pre_save.connect(remember_names, sender=model, dispatch_uid=f"{uid}.names.{model}")
            pre_delete.connect(record_deleting, sender=model, dispatch_uid=f"{uid}.pre.{model}")
        post_save.connect(record_saved, sender=model, dispatch_uid=f"{uid}.save.{model}")
        post_delete.connect(record_deleted, sender=model, dispatch_uid=f"{uid}.delete.{model}")
    for through in LINK_THROUGHS:
        m2m_changed.connect(links_changed, sender=through, dispatch_uid=f"{uid}.links.{through}")
    m2m_changed.connect(tags_changed, sender=TaggedItem, dispatch_uid=f"{uid}.tags")
    post_save.connect(tagged_item_changed, sender=TaggedItem, dispatch_uid=f"{uid}.tagged")
    post_delete.connect(tagged_item_changed, sender=TaggedItem, dispatch_uid=f"{uid}.untagged")
    post_save.connect(tag_saved, sender=Tag, dispatch_uid=f"{uid}.tag")
    post_save.connect(document_changed, sender=Document, dispatch_uid=f"{uid}.document")
    post_delete.connect(document_changed, sender=Document, dispatch_uid=f"{uid}.document_gone")
    statuses_changed.connect(statuses_set, dispatch_uid=f"{uid}.statuses")
