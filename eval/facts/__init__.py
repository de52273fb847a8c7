"""Scoring the register against a hand-made gold register (eval/facts/gold/*.json)."""
