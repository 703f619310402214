"""Operations: encrypted backups, restore and the restore drill (issue 14 §7).

The top layer: it reads every other app's tables (as rows, through the database) and nothing imports it.
"""
