"""Slogan counts → which slogans appear in the same documents; the cooccurrence stage (the worked example of docs/architecture.md)."""
