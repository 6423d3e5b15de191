"""Open-i / Indiana University chest X-rays (3,955 reports, 7,470 images).

Data: ``NLMCXR_reports.tgz`` (or ``--data torchxrayvision`` for the copy in that package),
an extracted archive, or Kaggle's ``indiana_reports.csv`` + ``indiana_projections.csv``.
Copy this file, edit it, and pass its path to ``medkg build``.
"""

from medkg.datasets import Recipe

RECIPE = Recipe(
    name="openi",
    reader="openi",
    description="Open-i / IU X-ray reports; every image of a study inherits its findings",
    reader_options={
        # Files giving view positions: a path, "auto" (beside the input) or None.
        "dicom_metadata": "auto",
        "tsne_views": "auto",
        "projections": "auto",
        # Directory of the image files (PNG from NLM or Kaggle), or None for metadata only.
        "images": None,
        "on_error": "raise",
    },
    graph_options={
        "preset": "default",
        "sections": ["findings", "impression"],
        "image_policy": "all",  # or "one_frontal" (MEDMKG)
        "naf": {"budget": None, "k": 1, "skip_if_nothing_new": False},  # None: no Neighbor-aware Filtering
    },
)
