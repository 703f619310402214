"""Accountability triggers (arts. 43–45): the failures the regulation names, computed per level, and 责令改正."""
