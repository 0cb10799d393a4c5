"""One recommender per module, each implementing models.base.Recommender and ranked
through models.ranking.top_k; the registry names them for the CLI.
"""
