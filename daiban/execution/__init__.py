"""Carrying out 支持 opinions (arts. 32, 42(4)): what must be done, by whom, by when, and its execution."""
