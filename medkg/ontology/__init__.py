"""UMLS-style ontology layer."""

from medkg.ontology.model import Concept, Ontology, Relation, SemanticType, normalize

__all__ = ["Concept", "Ontology", "Relation", "SemanticType", "normalize"]
