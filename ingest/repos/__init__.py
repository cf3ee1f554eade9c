"""Repositories: the domain's reads and writes, each inside a store transaction."""
