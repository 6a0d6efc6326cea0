"""Slogan diffusion: when each unit first uses each slogan (the adoption stage), against the centre's clock."""
