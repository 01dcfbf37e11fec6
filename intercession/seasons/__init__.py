"""Seasons of prayer and fasting: their writes (``services``), reads (``selectors``), forms,
and the reminder a little before each hour someone holds (``notices``)."""
