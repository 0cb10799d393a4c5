"""The HTTP front door: the FastAPI app factory (app.py), request/response schemas,
limits, the guarded listener, API keys, Prometheus metrics, operator settings and the
static web page. May import service, report and the layers below; only cli imports it.
"""
