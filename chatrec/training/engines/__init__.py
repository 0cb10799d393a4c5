"""Training engines beyond numpy: Spark MLlib (`chatrec train --engine spark`) for
data that outgrows one machine. Writes the same artifacts as the embedded trainer.
"""
