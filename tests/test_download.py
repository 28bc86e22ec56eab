"""Full-MNIST download against a local HTTP server on 127.0.0.1: no test touches the internet."""

import hashlib
import http.server
import threading
from functools import partial

import numpy as np
import pytest

from nn_core.download import DownloadError, download_mnist, is_cached, load_mnist
from tests.idx_maker import write_idx


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def mnist_server(tmp_path):
    """Serves four small gzipped IDX files; yields (base URL, registry of checksums and sizes, stop)."""
    served = tmp_path / "served"
    served.mkdir()
    rng = np.random.default_rng(0)
    write_idx(served / "train-images-idx3-ubyte.gz", rng.integers(0, 256, (60, 28, 28)))
    write_idx(served / "train-labels-idx1-ubyte.gz", np.arange(60) % 10)
    write_idx(served / "t10k-images-idx3-ubyte.gz", rng.integers(0, 256, (20, 28, 28)))
    write_idx(served / "t10k-labels-idx1-ubyte.gz", np.arange(20) % 10)
    files = {
        p.name: ("md5:" + hashlib.md5(p.read_bytes()).hexdigest(), p.stat().st_size) for p in sorted(served.iterdir())
    }
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(served)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    stopped = []

    def stop():
        if not stopped:
            server.shutdown()
            server.server_close()
            stopped.append(True)

    yield f"http://127.0.0.1:{server.server_address[1]}/", files, stop
    stop()


def test_first_call_downloads_and_verifies_second_reads_the_cache_offline(mnist_server, tmp_path):
    url, files, stop = mnist_server
    cache = tmp_path / "cache"
    reports = []
    folder = download_mnist(lambda fraction, text: reports.append((fraction, text)), (url,), files, cache)
    assert is_cached(folder, files)
    assert reports[-1][0] == pytest.approx(1.0)
    assert all(b[0] >= a[0] for a, b in zip(reports, reports[1:]))  # progress never goes back
    assert any(text.startswith("downloading train-images") for _, text in reports)
    stop()
    dataset = load_mnist(mirrors=(url,), files=files, folder=cache)
    assert dataset.sizes() == {"train": 54, "val": 6, "test": 20} and dataset.name == "mnist"


def test_a_download_with_a_wrong_checksum_is_refused_and_not_cached(mnist_server, tmp_path):
    url, files, _ = mnist_server
    files = dict(files)
    name = "t10k-labels-idx1-ubyte.gz"
    files[name] = ("md5:" + "0" * 32, files[name][1])
    with pytest.raises(
        DownloadError, match=f"could not download {name}: a download did not match its published checksum"
    ):
        download_mnist(None, (url,), files, tmp_path / "cache")
    assert not (tmp_path / "cache" / name).exists()
    assert (tmp_path / "cache" / "t10k-images-idx3-ubyte.gz").exists()  # the good one before it is kept


def test_offline_gives_a_clear_message(tmp_path, mnist_server):
    url, files, stop = mnist_server
    stop()  # nothing listens there any more
    with pytest.raises(DownloadError, match="no mirror could be reached: are you offline?") as caught:
        download_mnist(None, (url,), files, tmp_path / "cache", timeout=2)
    assert "bundled 5,000 digits need no download" in str(caught.value)


def test_a_second_mirror_is_tried_when_the_first_is_down(mnist_server, tmp_path):
    url, files, _ = mnist_server
    folder = download_mnist(None, ("http://127.0.0.1:9/", url), files, tmp_path / "cache", timeout=2)
    assert is_cached(folder, files)


def test_a_corrupted_cached_file_is_downloaded_again(mnist_server, tmp_path):
    url, files, _ = mnist_server
    cache = tmp_path / "cache"
    download_mnist(None, (url,), files, cache)
    (cache / "train-labels-idx1-ubyte.gz").write_bytes(b"garbage")
    download_mnist(None, (url,), files, cache)
    assert (
        hashlib.md5((cache / "train-labels-idx1-ubyte.gz").read_bytes()).hexdigest()
        == files["train-labels-idx1-ubyte.gz"][0][4:]
    )
