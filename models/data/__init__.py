"""Data: the catalog and ratings containers (ids converted here, at the data edge),
their loaders for MovieLens layouts and generic CSV pairs, and train/test splits."""
from models.data.containers import Catalog, Ratings, natural_title

__all__ = ["Catalog", "Ratings", "natural_title"]
