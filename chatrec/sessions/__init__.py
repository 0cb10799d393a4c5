"""Conversation state and where it is kept: the state types (state.py), the store
protocol (store.py), the SQLite and PostgreSQL stores, and the factory that picks one
(factory.py). Imports data (the data home) and errors only; the stores never import the factory.
"""
