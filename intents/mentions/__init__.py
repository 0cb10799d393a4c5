"""Whether a span names a film, and which one: fuzzy title matching, the linker that
weighs a candidate's evidence, whole-title spotting and span helpers.
Imports intents.lexicon and intents.query.
"""
