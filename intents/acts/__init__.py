"""Dialogue acts: what a message does in the conversation (a greeting, a goodbye, "I'll
check it out", "I haven't seen that one", a question back...), learned from real
conversations (acts.json, bench/train_acts.py). The rule parser asks it when the rules
find no request in a message. Imports intents.lexicon only.
"""
