"""The index: Chroma as system of record (`chroma`), the derived BM25 index (`lexical`), the
embedding model (`embeddings`) and the read view of documents and chunks (`corpus`)."""
