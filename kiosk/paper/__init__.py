"""What the terminal prints, and the printer as the core sees it (see README.md)."""
