"""Segmenters behind one small protocol: `segment(frames, prompts) -> masks`."""
