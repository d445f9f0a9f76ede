"""Segmenters behind one small protocol: `segment(frames, prompts) -> masks`.

- `engine.models.sam.SamSegmenter`: segment-anything ViT-B/L/H; `embed(image)` runs the image
  encoder once, `predict(embedding, box=..., points=...)` runs prompt encoder + mask decoder.
- `engine.models.ssl_net.SslSegmenter`: the label-free pipeline's U-Net (`engine.models.unet`)
  with load/save and `predict(frames)` at any frame size.

Nothing heavy is imported here, so `import engine.models` stays cheap.
"""
