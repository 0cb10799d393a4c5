"""Getting datasets onto this machine and finding them again: the data home, downloads,
the dataset registry (fetch, add, load) and its fast array cache.
Imports models.data and chatrec.errors only.
"""
