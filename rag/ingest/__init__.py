"""Ingest: file → loaders → normalize → structure (DocMeta + clause tree) → chunking → index.

`pipeline.ingest` runs the stages for a folder, one file per transaction.
"""
