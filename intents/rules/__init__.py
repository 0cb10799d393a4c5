"""The rule parser (parser.py): slots for seeds and opinions, constraints, and the
intent decision, built on lexicon and mentions. Imports intents.catalog and below.
"""
