"""Reports: build data from the books and render it for people (text, Markdown, HTML, CSV, Excel).

This package is the shell's output side. Report *data* is computed from the core's values (schedules,
balances, entries); *rendering* turns that data into tables with Chinese labels by default and English on
request (:mod:`revolve.reports.labels`). Only this package imports ``tabulate`` and ``openpyxl``; the
core never imports it.
"""
