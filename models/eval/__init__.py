"""Evaluation: pure metric functions, the two protocols of DESIGN §7 (k-fold rating
prediction and the per-user time split for top-N), and reading/writing their results."""
