"""Calibration, rater effects, the performance × potential grid and succession."""
