"""Accusations concerning cadres (art. 30): notifying the organisation (personnel) department, never the accused unit."""
