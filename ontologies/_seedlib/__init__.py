"""Helpers of ``ontologies/build_seed.py``: read the public sources, assemble, write RRF.

Not part of the medkg package API; run ``python ontologies/build_seed.py --help``.
"""
