"""Dataset readers: radiology reports and their images as typed records for the graph builder.

Examples
--------
>>> from medkg.datasets import load_recipe
>>> load_recipe("openi").reader
'openi'
"""

from medkg.datasets.generic import read_generic
from medkg.datasets.mimic_cxr import read_mimic_cxr
from medkg.datasets.openi import find_torchxrayvision_archive, read_openi
from medkg.datasets.readers import READERS, read, read_medmkg
from medkg.datasets.recipes import Recipe, load_recipe, recipe_names
from medkg.datasets.rejects import ErrorPolicy
from medkg.datasets.types import ImageRecord, ReportRecord

__all__ = [
    "READERS",
    "ErrorPolicy",
    "ImageRecord",
    "Recipe",
    "ReportRecord",
    "find_torchxrayvision_archive",
    "load_recipe",
    "read",
    "read_generic",
    "read_medmkg",
    "read_mimic_cxr",
    "read_openi",
    "recipe_names",
]
