"""Test support, not public API: builders of throw-away fixtures for medkg's own tests and smoke runs.

Nothing here is part of the documented interface or covered by deprecation promises; it may change
in any release. :mod:`~medkg.testing.tiny_models` saves tiny random Hugging Face models (a one-layer
Llama, a one-layer LLaVA) built from a config, so generator and server tests download nothing.
"""
