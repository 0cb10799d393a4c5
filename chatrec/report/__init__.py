"""The offline report: data and evaluation charts as one HTML page, written by
`chatrec report` and served at /report. Imports data and errors; both front doors use it.
"""
