"""Question answering over Vietnamese directives and legal documents, with verified verbatim quotes."""

__version__ = "0.1.0"
