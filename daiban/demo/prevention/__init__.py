"""The demo's work before a petition: screenings, visits, reception sessions, errands and alerts.

Everything is made through prevention's actions and the matter intake action (未诉先办, 接访即代办), each on
the clock of its day, over the ``days_back`` days before today, in time order; the texts and proportions
are in ``daiban/demo/data/prevention/prevention.json``. Far more conflicts are screened than become
petitions: most are settled (已化解) or handed to mediation, a few stay under watch, a few become matters.
"""

from daiban.demo.prevention.run import PreventionResult, load_demo_prevention

__all__ = ["PreventionResult", "load_demo_prevention"]
