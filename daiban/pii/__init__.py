"""Personal data protection: validation, encryption at rest, blind-index search, masking, reveal logging.

See ``daiban.pii.fields`` for the pattern another app's model should follow.
"""
