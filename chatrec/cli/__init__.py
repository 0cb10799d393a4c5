"""The terminal front door: the `chatrec` console script (main.py), one module per
subcommand (commands/), the prompt-toolkit REPL and its completion.
May import everything in chatrec below it (server for `serve`, service, report, data...).
"""
