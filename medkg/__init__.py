"""medkg: multimodal medical knowledge graphs from radiology reports and images.

Public API (everything else is private by default)::

    import medkg
    onto = medkg.load_ontology()            # the shipped chest-radiology seed ontology
"""

from __future__ import annotations

__version__ = "0.1.0"

from medkg.errors import MedkgError  # noqa: E402
from medkg.ontology import load as load_ontology  # noqa: E402

__all__ = ["MedkgError", "__version__", "load_ontology"]
