"""Test helpers every app's tests use: the role personas and the persona-matrix test cases.

Test code only (imported by ``<app>/tests/``, never by the application): see ``cases`` for how
an endpoint or a page declares itself and ``urls`` for the check that every route is declared.
"""
