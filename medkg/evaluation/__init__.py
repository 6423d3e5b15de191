"""Evaluation against manual gold standards: extraction and labels (Open-i, hand-made label gold),
modifiers and relations (hand annotations), KG-RAG retrieval and the factuality checker (manual codes).

One module per ``medkg eval`` command: :mod:`~medkg.evaluation.openi`,
:mod:`~medkg.evaluation.labels`, :mod:`~medkg.evaluation.relations`, :mod:`~medkg.evaluation.rag`
(with :mod:`~medkg.evaluation.tuning`, :mod:`~medkg.evaluation.gold_matching`,
:mod:`~medkg.evaluation.code_edges`, :mod:`~medkg.evaluation.text_overlap`,
:mod:`~medkg.evaluation.rag_report`) and :mod:`~medkg.evaluation.factuality`.
"""
