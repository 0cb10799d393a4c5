"""One module per `chatrec` subcommand: each adds its parser (`add(sub)`) and runs it.
Errors are raised as chatrec.errors types; main.py turns them into exit codes.
"""
