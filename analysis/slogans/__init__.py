"""Tokens → slogan (提法) counts, rates, contrasts and candidates; the slogans stage."""
