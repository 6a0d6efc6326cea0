"""Text reuse: passages of documents aligned with passages of a reference corpus (the centre's texts)."""
