"""Full-text search across every kind of record, as a Django app of its own (``apps.SearchConfig``).

``archive.search.query.search()`` is the one interface; ``archive.search.index`` keeps the index
in step (``reindex(model, pks)`` after writes that send no signals). Nothing is imported here:
an app's package is imported before the models are ready.
"""
