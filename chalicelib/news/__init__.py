"""News articles and their feed."""
