"""Work reports → their quantitative targets (预期目标) and last year's stated outcomes; the targets stage."""
