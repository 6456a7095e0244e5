"""Importers and exporters of other schedule formats: pretalx and frab (JSON and XML), Sessionize,
and a whole-event iCalendar file."""
