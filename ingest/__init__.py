"""Getting data in and out: snapshots, templates and event-data importers.

Importers validate every row first and collect every problem; only a file
with no problem reaches the store, in one all-or-nothing write.
"""
