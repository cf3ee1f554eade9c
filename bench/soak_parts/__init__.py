"""The parts of bench/soak.py: the plant, the writers and their journals, the readers, the
pipeline loop, the verification and the figures (one job per module)."""
