"""chatrec, the service: front doors (cli/, server/) over one facade (service.py), which
drives the conversation (conversation/), keeps sessions (sessions/), trains and loads
models (training/) and gets datasets (data/). Imports intents and models; they never
import it. docs/architecture.md is the map.
"""
__version__ = "0.1.0"
