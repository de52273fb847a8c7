"""Facts: targets, deadlines and responsibilities extracted from clauses as typed records."""
