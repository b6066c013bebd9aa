"""Use cases: each combines the domain rules with storage inside one transaction."""
