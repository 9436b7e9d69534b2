"""course_lib.compute: the device line the training chapters print."""

import pytest

from course_lib import compute


def test_on_this_machine_the_summary_names_tensorflow_and_the_device():
    import tensorflow as tf

    line = compute.device_summary()
    assert line.startswith(f"TensorFlow {tf.__version__} on ")
    if compute.gpus():
        assert "on GPU: " in line
    else:
        assert line.endswith("on CPU (no GPU found)")


def test_gpus_are_listed_by_name(monkeypatch):
    import tensorflow as tf

    class Device:
        def __init__(self, name):
            self.name = name

    devices = [Device("/physical_device:GPU:0"), Device("/physical_device:GPU:1")]
    monkeypatch.setattr(tf.config, "list_physical_devices", lambda kind: devices if kind == "GPU" else [])
    details = {"/physical_device:GPU:0": {"device_name": "NVIDIA H200"}, "/physical_device:GPU:1": {}}
    monkeypatch.setattr(tf.config.experimental, "get_device_details", lambda d: details[d.name])
    assert compute.gpus() == ["NVIDIA H200", "/physical_device:GPU:1"]
    assert compute.device_summary() == f"TensorFlow {tf.__version__} on GPU: NVIDIA H200, /physical_device:GPU:1"


#: Every chapter that trains a Keras model live, and the call that trains it.
TRAINING_CALLS = {
    "03_mel_perception": "training.fit(",
    "04_audioset_vggish": "vggish_esc10.esc10_fold(",
    "05_augmentation": "ae.run_condition(",
    "06_raw_waveform": "raw_waveform.fsdd_run(",
    "07_crepe": "crepe_heads.train_head(",
    "08_wavenet": "wavenet.train(",
    "09_detection_localization": "detection.fit_crnn(",
}


@pytest.mark.parametrize("nb", sorted(TRAINING_CALLS))
def test_every_training_chapter_prints_its_device_in_an_ignored_cell(nb):
    import json
    from pathlib import Path

    cells = json.loads((Path(__file__).resolve().parent.parent / "notebooks" / f"{nb}.ipynb").read_text())["cells"]
    device = [i for i, c in enumerate(cells) if "compute.device_summary()" in "".join(c["source"])]
    assert len(device) == 1 and "nbval-ignore-output" in cells[device[0]]["metadata"].get("tags", [])
    call = TRAINING_CALLS[nb]
    first = min(i for i, c in enumerate(cells) if c["cell_type"] == "code" and call in "".join(c["source"]))
    assert device[0] == first - 1, f"{nb}: the device line must come right before the first {call}...) cell"
