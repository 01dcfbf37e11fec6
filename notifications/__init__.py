"""Reminders: the daily prayer list, the weekly group reminder, check-in nudges.

The dispatcher (``dispatch``) turns due schedule rows into delivery rows, once per person,
kind and local day; workers (``send``) turn delivery rows into emails; the sweeper (``sweep``)
re-queues deliveries a dead worker left behind. See docs/reminders.md.
"""
