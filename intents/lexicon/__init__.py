"""Words and patterns, no parsing decisions: text normalisation, cue vocabularies,
small talk, typos, genres, years, ages, people, counts, list references, wishes for
less-watched films and versions of a title.
Imports only intents.query.
"""
