"""The label-free SSL pipeline: pseudo-labels -> anatomical QC -> U-Net -> self-training.

No ground truth is read anywhere in here: training takes frames and drops any mask they carry.
"""
