"""Alignment stage: sentence encoders, the Bertalign core, six-way groups."""
