"""Where TensorFlow computes: the GPUs it sees, or the CPU.

TensorFlow places every operation on a GPU when it finds one (NVIDIA's CUDA libraries come with
the ``gpu`` extra: ``make lab GPU=1``), so the notebooks need no change to train there. Each
chapter that trains prints :func:`device_summary` in a cell whose output the tests ignore (it
differs between machines). Layer 1: imports TensorFlow only when called.
"""

from __future__ import annotations

__all__ = ["gpus", "device_summary"]


def gpus() -> list[str]:
    """Names of the GPUs TensorFlow can use (empty on a CPU-only machine).

    Returns
    -------
    list of str
        One entry per GPU, the device's name where TensorFlow reports it (e.g. ``"NVIDIA H200"``),
        else its TensorFlow name (``"/physical_device:GPU:0"``).

    Notebook: 04_audioset_vggish (via ``device_summary``)
    """
    import tensorflow as tf

    names = []
    for device in tf.config.list_physical_devices("GPU"):
        try:
            details = tf.config.experimental.get_device_details(device)
        except (ValueError, RuntimeError):  # pragma: no cover - depends on the driver
            details = {}
        names.append(details.get("device_name") or device.name)
    return names


def device_summary() -> str:
    """One line saying what TensorFlow trains on: its version and the GPUs, or the CPU.

    Returns
    -------
    str
        For example ``"TensorFlow 2.21.0 on CPU (no GPU found)"`` or
        ``"TensorFlow 2.21.0 on GPU: NVIDIA H200"``.

    Notebook: 04_audioset_vggish
    """
    import tensorflow as tf

    found = gpus()
    if found:
        return f"TensorFlow {tf.__version__} on GPU: {', '.join(found)}"
    return f"TensorFlow {tf.__version__} on CPU (no GPU found)"
