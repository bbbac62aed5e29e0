"""Generic pages every app declares itself on, the way a NetBox model gets its list, detail and
edit views from a FilterSet, a form and a table:

- ``lists.ScopedListView``: a scoped, filtered, keyset-paginated list with a fixed query count;
- ``details.ScopedDetailView``: a scoped detail page with tabs, the history tab built in;
- ``forms.ServiceFormView``: a create / edit page whose form is written by one service;
- ``actions.ServiceActionView``: one workflow step (POST) per URL, through one service.

core imports no app: rows are scoped and writes checked through the module named by the
``GENERIC_SCOPING`` setting (``access.py``), status colours and transitions come from the app's
choices (``core/states.py``). Templates: ``templates/generic/``.
"""
