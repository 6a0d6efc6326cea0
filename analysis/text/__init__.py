"""Documents → tokens: the lexicon, segmentation, collocations, keyword in context; the tokens stage."""
