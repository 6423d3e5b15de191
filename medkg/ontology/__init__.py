"""UMLS-style ontology layer: the model, its readers and writers, and the compiled cache.

>>> from medkg.ontology import load
>>> onto = load()                     # the shipped chest seed
>>> onto["C0032227"].name
'Pleural Effusion'
"""

from medkg.ontology.loading import load
from medkg.ontology.model import Concept, Ontology, Relation, SemanticType, normalize

__all__ = ["Concept", "Ontology", "Relation", "SemanticType", "load", "normalize"]
