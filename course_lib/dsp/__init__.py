"""Signal processing: sound in, numbers out, no learning and no data sets.

``audio`` (load, save, resample, normalise), ``synth`` (test signals, called synthetic wherever a
chapter uses them), ``spectral`` (DFT, windows, STFT, dB), ``mel`` (mel scales, filterbanks,
log-mel spectrograms), ``pitch`` (Hz, MIDI, cents), ``augment`` (pitch shift, rooms, noise at an
SNR, devices, SpecAugment, mixup), ``localization`` (microphone arrays, GCC-PHAT, direction of
arrival). Layer 1: imports only the core (``course_lib._checks``, ``course_lib.errors``).
"""
