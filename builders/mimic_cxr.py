"""MIMIC-CXR (PhysioNet layout: files/pXX/pSUBJECT/sSTUDY.txt and the 2.0.0 metadata/split CSVs).

Copy this file, edit it, and pass its path to ``medkg build``.
"""

from medkg.datasets import Recipe

RECIPE = Recipe(
    name="mimic-cxr",
    reader="mimic-cxr",
    description="MIMIC-CXR reports with view positions from the metadata CSV",
    reader_options={
        "split": None,  # "train", "validate" or "test" to keep one split
        "metadata": "auto",  # mimic-cxr-2.0.0-metadata.csv(.gz) in the root
        "split_file": "auto",  # mimic-cxr-2.0.0-split.csv(.gz) in the root
        "images": None,  # root of MIMIC-CXR-JPG's files/ when not the data root
        "on_error": "raise",
    },
    graph_options={
        "preset": "default",
        "sections": ["findings", "impression"],
        "image_policy": "all",
        "naf": {"budget": None, "k": 1, "skip_if_nothing_new": False},
    },
)
