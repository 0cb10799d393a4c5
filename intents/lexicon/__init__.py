"""Words and patterns, no parsing decisions: text normalisation, cue vocabularies,
small talk, typos, genres, years, ages, people, counts and list references.
Imports only intents.query.
"""
