"""The bottom layer: plain records that every other layer may import, and that import nothing of ours."""
