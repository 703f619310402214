"""Assistance referrals (art. 37): social (民政) or judicial (政法) assistance for petitioners in hardship."""
