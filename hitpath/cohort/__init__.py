"""Cohorts: batch checks streamed row by row, re-checking saved clients, and the compiled fast
path they share."""
