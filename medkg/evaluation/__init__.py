"""Evaluation of extraction and labels against manual gold standards (Open-i, hand annotations)."""
