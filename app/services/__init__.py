"""Use cases: each owns its transaction and the instance lock and commits once, at the edge."""
