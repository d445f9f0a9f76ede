-- segroi store, schema version 9: the TF32 switches in force when a profile row was measured.
-- cudnn_allow_tf32   torch.backends.cudnn.allow_tf32: cuDNN may run fp32 convolutions in TF32 on
--                    Ampere and newer (PyTorch's default is TRUE, so "fp32" convolution rows are
--                    TF32 unless this says FALSE).
-- matmul_allow_tf32  torch.backends.cuda.matmul.allow_tf32: the same for matrix products (default
--                    FALSE; matmul_precision "high" or "medium" turns it on).
-- NULL on rows measured before version 9, or where torch did not say.

ALTER TABLE profiles ADD COLUMN cudnn_allow_tf32 BOOLEAN;
ALTER TABLE profiles ADD COLUMN matmul_allow_tf32 BOOLEAN;
