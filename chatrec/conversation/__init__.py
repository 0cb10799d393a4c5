"""From a parsed Query to a reply: the route table (dispatch), list building and
constraints, the cold start's tastes, wishes with a direction (older / newer, versions),
follow-ups, facts, explanations, feedback, reasons and reply text, title search and A/B
arms. Imports sessions (state types), training (the Bundle), intents, models.
"""
