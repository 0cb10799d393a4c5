"""The LLM adapter: the OpenAI-compatible client (transport, wire, schema), the guards
that check its answer against the message, the cascade that asks it only when the rules
are unsure, the circuit breaker and key redaction. Imports rules and below.
"""
