"""Full-text search across every kind of record.

``search()`` (in ``archive.search.query``) is the one interface; ``archive.search.index``
keeps the index in step (``reindex(model, pks)`` after writes that send no signals).
"""


def search(query, kind=None, tag=None, section=None, year=None, page=1):
    from .query import search as run_search

    return run_search(query, kind=kind, tag=tag, section=section, year=year, page=page)
