"""Calibration of the statistics on the user's own corpus: the checks, and the calibrate stage."""
