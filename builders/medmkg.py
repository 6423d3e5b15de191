"""A faithful MEDMKG rebuild: MIMIC-CXR (or Open-i) with MEDMKG's choices.

One frontal image stands for each study, 25 semantic types are left out, the neutral class
(mentions that are not findings of the image) is dropped, and Neighbor-aware Filtering is on.
The reader is MIMIC-CXR when the data has a files/ tree, Open-i otherwise.
"""

from medkg.datasets import Recipe

RECIPE = Recipe(
    name="medmkg",
    reader="medmkg",
    description="MEDMKG's choices: one frontal image per study, excluded semantic types, NaF",
    reader_options={"reader": None},  # None: detect; or "mimic-cxr" / "openi"
    graph_options={
        "preset": "medmkg",  # GraphOptions.medmkg(): its 25 excluded semantic types
        "sections": ["findings", "impression"],
        "image_policy": "one_frontal",
        "drop_neutral": True,
        "naf": {"budget": None, "k": 1, "skip_if_nothing_new": False},
    },
)
