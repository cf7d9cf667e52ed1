"""The prize-money vote's pages, one module per area; each module lists its own URLs."""
