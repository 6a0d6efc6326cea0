"""Tokens → keyness, trends, tf-idf and collocates; the keywords stage."""
