"""Raw files → documents: reading and decoding, cleaning, compilations, metadata (dates, regions, language) with provenance, duplicates; the corpus stage."""
