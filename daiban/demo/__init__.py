"""Demo and benchmark data (development only): the Hohhot demo network and the living demo matters.

Nothing in production imports this app. Its data (names, topics, scenarios, accounts) lives in ``data/`` as
JSON and CSV files; the Python modules only hold the logic that turns them into regions, organisations,
agents, accounts and matters.
"""
