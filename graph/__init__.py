"""actorgraph's domain schema and the stores that keep it.

`graph` imports none of `ingest`, `queries` or `ui`: everything else stands on it.
"""
