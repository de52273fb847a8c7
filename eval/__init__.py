"""Evaluation: question sets, BEIR runs, metrics, reports and benchmarks."""
