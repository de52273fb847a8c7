"""Gradio assistant over the rag library (python -m ui)."""
