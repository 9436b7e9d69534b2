"""`make lab` starts JupyterLab on the course: start it headless, request its page, stop it."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url):
    with urllib.request.urlopen(url, timeout=5) as r:
        return r.status, r.read().decode("utf-8", "replace")


@pytest.mark.skipif(not Path("/usr/bin/make").exists() and not any(
    (Path(p) / "make").exists() for p in os.environ.get("PATH", "").split(os.pathsep)), reason="make is not installed")
@pytest.mark.slow
def test_make_lab_serves_the_course(tmp_path):
    port, token = _free_port(), "course-test-token"
    bin_dir = Path(sys.executable).parent
    lab_args = f"--no-browser --ip=127.0.0.1 --port={port} --IdentityProvider.token={token} --ServerApp.port_retries=0"
    # -o: take the installed environment as up to date (this test runs inside it); VENV, BIN: use it.
    venv = Path(sys.prefix)
    cmd = ["make", "-s", "-o", f"{venv}/.installed", "lab", f"VENV={venv}", f"BIN={bin_dir}", f"LAB_ARGS={lab_args}"]
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"), JUPYTER_CONFIG_DIR=str(tmp_path / "config"))
    log = open(tmp_path / "lab.log", "w")
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, env=env)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.time() + 120
        while True:
            try:
                status, page = _get(f"{base}/lab?token={token}")
                break
            except OSError:
                if proc.poll() is not None or time.time() > deadline:
                    log.flush()
                    pytest.fail(f"JupyterLab did not start: {(tmp_path / 'lab.log').read_text()[-2000:]}")
                time.sleep(1)
        assert status == 200 and "JupyterLab" in page
        status, listing = _get(f"{base}/api/contents/notebooks?token={token}")
        assert status == 200 and "00_introduction.ipynb" in listing
    finally:
        for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 10)):
            try:
                os.killpg(proc.pid, sig)
                proc.wait(timeout=wait)
                break
            except ProcessLookupError:
                break
            except subprocess.TimeoutExpired:
                continue
        log.close()
