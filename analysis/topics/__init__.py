"""Tokens → topic models, K selection, prevalence, labels; the topics stage."""
