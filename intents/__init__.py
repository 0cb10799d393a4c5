"""intents: text -> Query. The Query and its vocabulary (query.py), the catalog as plain
data (catalog.py), and the parsers: rules/ first, llm/ as an adapter over them, both
built on mentions/ (is this span a film?) and lexicon/ (words and patterns). Never
imports chatrec or models.
"""
