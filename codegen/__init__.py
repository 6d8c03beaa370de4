"""Build-time tools: the overlay applier and the spec → client generation pipeline.

Run as ``python -m codegen generate`` or ``python -m codegen check``; none of it ships.
"""
