"""Getting to know a newcomer (issue 21): the checklist turn — a person with few ratings
gets their first list as up to 10 numbered picks to mark seen / loved — its answers in
one message, and the next list that uses them.
"""
