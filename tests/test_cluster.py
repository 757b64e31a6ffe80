"""Rendering on a Dask cluster of real worker processes (``render --cluster``).

A ``LocalCluster`` of two worker processes renders a small archive (two episodes and an
audio guide) and must give the same audio samples, the same MP3 bytes and the same feed as a
render on this machine. One worker is SIGKILLed in the middle of a render; the sentence cache
on S3 (a local moto server speaking the S3 protocol) is shared by workers and reused by a
later render anywhere.

The archive is spoken by the deterministic tone engine, which the workers load through the
same entry points as Piper: what is tested is where the work runs and what comes back, not the
voice. For the kill test a worker plugin makes each sentence take a moment on the workers (the
same sound, later), so that a worker can be caught in the middle of one.

Every worker logs what it speaks (a worker plugin adds a file handler), so the tests can show
the work ran on the workers and count what a killed worker cost.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from distributed import Client, LocalCluster
from distributed.diagnostics.plugin import WorkerPlugin

from audioguide.cli import cli
from audioguide.config import load_config
from audioguide.models import Audio
from audioguide.render.inputs import Overrides, cluster_address
from audioguide.speech.cache import SentenceCache
from tests.clirunner import cli_runner

from .conftest import decode

pytestmark = pytest.mark.slow

TOPICS = [
    ("Harbour Walk", ["The harbour wall was built of granite blocks.",
                      "Fishing boats still land their catch at dawn.",
                      "Gulls gather on the old crane by the customs house."],
     ["Walk east along the quay to the lighthouse.",
      "Its lamp was lit by hand until nineteen sixty two."]),
    ("Market Square", ["The square has held a market every Saturday for centuries.",
                       "Traders sell cheese, bread and apples from nearby farms."],
     ["The town hall clock strikes each quarter hour.",
      "Its bell was recast after a fire in the old tower.",
      "Visitors may climb the tower on summer afternoons."]),
    ("Museum Tour", ["The first room shows tools made from flint and bone.",
                     "A bronze shield was found in the river mud."],
     ["Upstairs, the map room holds charts drawn by sailors.",
      "The largest map is almost three metres wide."]),
]


def _article(title: str, first: list[str], second: list[str]) -> str:
    return f"{title}\n\n## Beginning\n\n{' '.join(first)}\n\n## Further on\n\n{' '.join(second)}\n"


def make_archive(root: Path, *, cache: str | None = None) -> Path:
    """A project of three imported articles (the last rendered as a guide), spoken by the
    deterministic tone engine (the workers load it through the same entry points as Piper)."""
    root.mkdir(parents=True)
    cache_line = f'\n[cache]\ndir = "{cache}"\n' if cache else ""
    (root / "audioguide.toml").write_text(
        '[show]\ntitle = "Town Walks"\nauthor = "Cluster Tests"\n\n'
        f'[voice]\nengine = "tone"\n{cache_line}', "utf-8")
    sources = root / "episodes" / "sources"
    sources.mkdir(parents=True)
    for title, first, second in TOPICS:
        article = sources / f"{title.lower().replace(' ', '-')}.txt"
        article.write_text(_article(title, first, second), "utf-8")
        result = cli_runner().invoke(cli, ["-C", str(root), "import", str(article)])
        assert result.exit_code == 0, result.output
    guide = root / "episodes" / "museum-tour.md"
    guide.write_text(guide.read_text("utf-8").replace("---\n", "---\nkind: guide\n", 1), "utf-8")
    return root


def render_cli(root: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "audioguide", "-C", str(root), "render", *args],
                          capture_output=True, text=True, timeout=600, env={**os.environ, **(env or {})})


def media(root: Path) -> list[Path]:
    out = root / "output"
    return sorted([*out.glob("episodes/*.mp3"), *out.glob("guides/*/*.mp3"), *out.glob("guides/*/*.m4b")])


def assert_same_output(ours: Path, reference: Path) -> None:
    """Same audio samples (and bytes) in every MP3 and M4B, the same feed and episode records."""
    mine, theirs = media(ours), media(reference)
    assert [p.relative_to(ours) for p in mine] == [p.relative_to(reference) for p in theirs]
    assert len(mine) >= 2 + 2 + 2  # two episodes; the guide's two stops, full MP3 and M4B
    for a, b in zip(mine, theirs, strict=True):
        if a.read_bytes() != b.read_bytes():  # the same bytes decode to the same samples
            assert np.array_equal(decode(a), decode(b)), f"{a.name}: samples differ"
            pytest.fail(f"{a.name}: bytes differ")
    for name in ["feed.xml", "guides/museum-tour/feed.xml",
                 *(str(p.relative_to(reference / "output")) for p in (reference / "output").glob("episodes/*.json"))]:
        assert (ours / "output" / name).read_bytes() == (reference / "output" / name).read_bytes(), name


class SpeechLog(WorkerPlugin):
    """Send each worker's ``audioguide.cluster`` debug log, with its pid, to one file."""

    name = "audioguide-test-speech-log"

    def __init__(self, path: str) -> None:
        self.path = path

    def setup(self, worker: object) -> None:
        handler = logging.FileHandler(self.path)
        handler.setFormatter(logging.Formatter(f"{os.getpid()} %(message)s"))
        logger = logging.getLogger("audioguide.render.cluster")
        logger.handlers = [h for h in logger.handlers if not getattr(h, "_audioguide_test", False)]
        handler._audioguide_test = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)


class SlowSpeech(WorkerPlugin):
    """Make the tone engine take ``seconds`` longer per sentence on each worker (the same
    samples, later), so that a worker can be caught while it is speaking one."""

    name = "audioguide-test-slow-speech"

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def setup(self, worker: object) -> None:
        from audioguide.speech.engines.tone import ToneEngine

        original = ToneEngine.__dict__["synthesize"]
        original = getattr(original, "_audioguide_original", original)
        seconds = self.seconds

        def synthesize(engine: ToneEngine, text: str) -> Audio:
            time.sleep(seconds)
            return original(engine, text)  # type: ignore[no-any-return]

        synthesize._audioguide_original = original  # type: ignore[attr-defined]
        ToneEngine.synthesize = synthesize  # type: ignore[method-assign]

    def teardown(self, worker: object) -> None:
        from audioguide.speech.engines.tone import ToneEngine

        current = ToneEngine.__dict__["synthesize"]
        ToneEngine.synthesize = getattr(current, "_audioguide_original", current)  # type: ignore[method-assign]


def read_log(path: Path) -> list[tuple[int, str, str]]:
    """(pid, event, argument) lines: ``speaking <key>``, ``spoke <key>``, ``mastering …``."""
    if not path.exists():
        return []
    rows = []
    for line in path.read_text("utf-8").splitlines():
        pid, event, rest = (line.split(" ", 2) + ["", ""])[:3]
        rows.append((int(pid), event, rest))
    return rows


@pytest.fixture(scope="module")
def s3(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A local S3 service (moto) with a bucket; the AWS environment points at it, and the
    cluster's worker processes inherit that environment."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    saved = {k: os.environ.get(k) for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                                             "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL")}
    os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
                      AWS_DEFAULT_REGION="us-east-1", AWS_ENDPOINT_URL=f"http://{host}:{port}")
    import s3fs

    s3fs.S3FileSystem(skip_instance_cache=True).mkdir("audioguide-test")
    try:
        yield "s3://audioguide-test/sentences"
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        server.stop()


@pytest.fixture(scope="module")
def cluster(s3: str) -> Iterator[LocalCluster]:
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=logging.ERROR) as local:
        yield local


@pytest.fixture
def client(cluster: LocalCluster) -> Iterator[Client]:
    with Client(cluster, set_as_default=False) as c:
        c.wait_for_workers(2, timeout=60)
        yield c


@pytest.fixture
def speech_log(client: Client, tmp_path: Path) -> Path:
    path = tmp_path / "workers.log"
    client.register_plugin(SpeechLog(str(path)))
    return path


@pytest.fixture
def slow_speech(client: Client) -> Iterator[None]:
    """Every sentence takes 0.1 s longer on the workers for one test."""
    client.register_plugin(SlowSpeech(0.1))
    try:
        yield
    finally:
        client.unregister_worker_plugin(SlowSpeech.name)


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The archive rendered on this machine, without a cluster."""
    root = make_archive(tmp_path_factory.mktemp("local") / "project")
    result = render_cli(root, "--cluster", "none")
    assert result.returncode == 0, result.stderr
    return root


def test_cluster_render_matches_the_local_render(cluster: LocalCluster, reference: Path,
                                                  speech_log: Path, tmp_path: Path) -> None:
    root = make_archive(tmp_path / "project")
    result = render_cli(root, "--cluster", cluster.scheduler_address)
    assert result.returncode == 0, result.stderr
    assert "Rendered 2 episodes and 1 guide" in result.stdout
    assert_same_output(root, reference)
    log = read_log(speech_log)
    spoke = [arg for _, event, arg in log if event == "spoke"]
    # every sentence was spoken on a worker, exactly once, and both workers did some
    local = SentenceCache(root / ".cache" / "audioguide")
    assert sorted(spoke) == sorted(local.keys())
    assert f"{len(spoke)} sentences synthesized" in result.stdout
    assert len({pid for pid, event, _ in log if event == "spoke"}) == 2
    # the two episodes and the guide were mixed and mastered on the workers
    assert sum(event == "mastered" for _, event, _ in log) == 3
    # a second render through the cluster has nothing to do
    again = render_cli(root, "--cluster", cluster.scheduler_address)
    assert again.returncode == 0 and "3 already up to date; 0 sentences synthesized" in again.stdout


def test_a_worker_killed_mid_render_costs_only_its_sentence_in_flight(
        cluster: LocalCluster, reference: Path, speech_log: Path, slow_speech: None,
        tmp_path: Path) -> None:
    root = make_archive(tmp_path / "project")
    render = subprocess.Popen([sys.executable, "-m", "audioguide", "-C", str(root), "render",
                               "--cluster", cluster.scheduler_address],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    victim, deadline = None, time.monotonic() + 120
    while victim is None and render.poll() is None and time.monotonic() < deadline:
        log = read_log(speech_log)
        if sum(event == "spoke" for _, event, _ in log) >= 3:
            finished = {(pid, arg) for pid, event, arg in log if event == "spoke"}
            busy = [(pid, arg) for pid, event, arg in log
                    if event == "speaking" and (pid, arg) not in finished]
            if busy:  # the sentence started last: the kill lands while it is being synthesized,
                victim = busy[-1][0]  # not between its cache write and its "spoke" line
                os.kill(victim, signal.SIGKILL)
        time.sleep(0.01)
    out, err = render.communicate(timeout=600)
    assert victim is not None, f"the render ended before a worker could be killed: {out} {err}"
    assert render.returncode == 0, err
    assert_same_output(root, reference)
    log = read_log(speech_log)
    after = log[[pid for pid, _, _ in log].index(victim):]
    assert any(pid != victim for pid, _, _ in after), "the render went on on the other workers"
    started = [arg for _, event, arg in log if event == "speaking"]
    spoke = [arg for _, event, arg in log if event == "spoke"]
    # the only work lost is what the killed worker was speaking when it died (at most one
    # sentence: one thread per worker); everything it had finished came from the cache. Its
    # log is final now, so this also covers a sentence it finished just before the signal.
    in_flight = sorted({a for p, e, a in log if p == victim and e == "speaking"}
                       - {a for p, e, a in log if p == victim and e == "spoke"})
    # every sentence spoken once; the cache holds them, and perhaps the one in flight, when the
    # signal landed between its cache write and its "spoke" line (then nobody spoke it again)
    cached = len(SentenceCache(root / ".cache" / "audioguide").keys())
    assert len(spoke) == len(set(spoke)) <= cached <= len(spoke) + len(in_flight)
    lost = len(started) - len(spoke)
    assert lost == len(in_flight) <= 1, (lost, in_flight)
    print(f"\nkilled worker pid {victim} with {len(in_flight)} sentence in flight; "
          f"{len(spoke)} sentences spoken once each, {lost} lost")
    client_ok = Client(cluster, set_as_default=False)  # the nanny restarted the worker
    try:
        client_ok.wait_for_workers(2, timeout=60)
    finally:
        client_ok.close()


def test_sentence_cache_on_s3_is_shared_by_workers_and_reused_anywhere(
        cluster: LocalCluster, s3: str, reference: Path, speech_log: Path, tmp_path: Path) -> None:
    root = make_archive(tmp_path / "project", cache=s3)
    result = render_cli(root, "--cluster", cluster.scheduler_address)
    assert result.returncode == 0, result.stderr
    assert_same_output(root, reference)
    bucket = SentenceCache(s3)
    assert bucket.remote and bucket.stats().entries == len(
        [a for _, e, a in read_log(speech_log) if e == "spoke"]) > 10
    assert not (root / ".cache" / "audioguide").exists() and not (root / "s3:").exists()
    # another checkout, rendering here without the cluster, takes every sentence from S3
    elsewhere = make_archive(tmp_path / "elsewhere", cache=s3)
    local = render_cli(elsewhere, "--cluster", "none")
    assert local.returncode == 0, local.stderr
    assert "0 sentences synthesized" in local.stdout
    assert_same_output(elsewhere, reference)
    usage = subprocess.run([sys.executable, "-m", "audioguide", "-C", str(elsewhere), "cache"],
                           capture_output=True, text=True, timeout=300)
    entries = bucket.stats().entries
    assert usage.returncode == 0 and usage.stdout.startswith(
        f"{s3}: {entries} sentences"), usage.stdout + usage.stderr
    assert f"{entries} used by 3 episode scripts" in usage.stdout
    # and a third checkout through the cluster: the bucket is listed once, nothing is spoken
    spoken_before = len(read_log(speech_log))
    third = make_archive(tmp_path / "third", cache=s3)
    again = render_cli(third, "--cluster", cluster.scheduler_address)
    assert again.returncode == 0 and "0 sentences synthesized" in again.stdout, again.stderr
    assert not [e for _, e, _ in read_log(speech_log)[spoken_before:] if e == "speaking"]
    assert_same_output(third, reference)


def test_a_cache_the_workers_cannot_see_is_refused_before_any_work(client: Client,
                                                                     tmp_path: Path) -> None:
    root = make_archive(tmp_path / "project", cache="memory://private-to-this-process")
    result = render_cli(root, "--cluster", client.scheduler.address)
    assert result.returncode == 2
    err = result.stderr.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert "memory://private-to-this-process" in err and "not visible" in err and "s3://" in err
    assert not (root / "output" / "episodes").exists()


def test_an_unreachable_scheduler_is_one_line(tmp_path: Path) -> None:
    root = make_archive(tmp_path / "project")
    with (root / "audioguide.toml").open("a") as f:
        f.write("\n[cluster]\ntimeout = 1\n")
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = render_cli(root, env={"AUDIOGUIDE_CLUSTER": f"tcp://127.0.0.1:{port}"})
    assert result.returncode == 1
    err = result.stderr.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert f"cannot reach the Dask scheduler at tcp://127.0.0.1:{port}" in err and "dask worker" in err
    bad = render_cli(root, "--cluster", "not an address")
    assert bad.returncode == 2 and "not a Dask scheduler address" in bad.stderr
    assert not (root / "output" / "episodes").exists()


def test_the_cluster_address_comes_from_flag_then_environment_then_config(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "p"
    root.mkdir()
    (root / "audioguide.toml").write_text('[cluster]\naddress = "tcp://configured:8786"\n')
    config = load_config(root)
    monkeypatch.delenv("AUDIOGUIDE_CLUSTER", raising=False)
    assert cluster_address(config, Overrides()) == "tcp://configured:8786"
    monkeypatch.setenv("AUDIOGUIDE_CLUSTER", "tcp://from-env:8786")
    assert cluster_address(config, Overrides()) == "tcp://from-env:8786"
    assert cluster_address(config, Overrides(cluster="local:2")) == "local:2"
    assert cluster_address(config, Overrides(cluster="none")) == ""
    (root / "audioguide.toml").write_text('[cluster]\naddress = "somewhere"\ntimeout = 0\n')
    result = cli_runner().invoke(cli, ["-C", str(root), "render"])
    assert result.exit_code == 2
    assert "cluster.address 'somewhere'" in result.stderr and "cluster.timeout" in result.stderr


def test_without_a_cluster_dask_is_never_imported(tmp_path: Path) -> None:
    root = tmp_path / "p"
    (root / "episodes").mkdir(parents=True)
    (root / "audioguide.toml").write_text('[voice]\nengine = "tone"\n')
    (root / "note.txt").write_text("A note\n\nOne short sentence.\n")
    code = ("import sys; from audioguide.cli import cli\n"
            "try:\n    cli(['-C', sys.argv[1], 'render', sys.argv[2]])\n"
            "except SystemExit as e:\n    assert not e.code, e.code\n"
            "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed', 'fsspec'))\n"
            "print('loaded:', loaded)\nassert not loaded\n")
    result = subprocess.run([sys.executable, "-c", code, str(root), str(root / "note.txt")],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "loaded: []" in result.stdout


@pytest.mark.parametrize("location", ["memory://audioguide-unit", "file://{tmp}/fs"])
def test_sentence_cache_through_fsspec(location: str, tmp_path: Path) -> None:
    cache = SentenceCache(location.format(tmp=tmp_path))
    assert cache.remote == location.startswith("memory:")  # file:// is used as a folder
    key, other = "ab" + "0" * 62, "cd" + "1" * 62
    assert key not in cache and cache.get(key) is None
    audio = Audio(np.arange(-500, 500, dtype="<i2").tobytes(), 22050)
    cache.put(key, audio)
    cache.put(other, Audio(b"\x01\x00" * 10, 16000))
    assert key in cache and cache.get(key) == audio
    assert sorted(cache.keys()) == sorted([key, other]) and cache.stats().entries == 2
    assert cache.prune({key}).entries == 1 and list(cache.keys()) == [key]
    if cache.remote:  # a damaged entry
        cache._fs.pipe_file(cache._where(key), b"RIFF but not a wave file")
    else:
        cache.path(key).write_bytes(b"RIFF but not a wave file")
    assert cache.get(key) is None and key not in cache


def test_a_worker_with_another_voice_refuses_to_speak() -> None:
    from audioguide.errors import EngineError
    from audioguide.render.cluster import Voice, _worker_synth
    from audioguide.speech.engines import EngineSettings

    voice = Voice("piper", EngineSettings(variation=0.0), "memory://x", json.dumps({"model": "other"}))
    with pytest.raises(EngineError, match="different piper voice.*same voice packages"):
        _worker_synth(voice)


def test_a_cache_bucket_that_does_not_exist_is_one_line_and_not_created(s3: str, tmp_path: Path) -> None:
    import s3fs

    root = make_archive(tmp_path / "project", cache="s3://no-such-bucket/sentences")
    result = render_cli(root, str(root / "episodes" / "harbour-walk.md"))
    assert result.returncode == 1
    err = result.stderr.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert "sentence cache s3://no-such-bucket/sentences does not exist" in err and "Create the bucket" in err
    assert not s3fs.S3FileSystem(skip_instance_cache=True).exists("no-such-bucket")
    assert not (root / "output" / "episodes").exists()


def test_items_enter_the_cluster_a_window_at_a_time(cluster: LocalCluster, client: Client,
                                                    reference: Path, speech_log: Path,
                                                    tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """An archive is not dumped on the scheduler at once: with one item per worker in flight,
    the later items' sentences are only submitted once an earlier item has been mastered."""
    from audioguide.pipeline import render
    from audioguide.render import cluster as cluster_module

    monkeypatch.setattr(cluster_module, "WINDOW_PER_WORKER", 1)
    root = make_archive(tmp_path / "project")
    report = render(load_config(root), overrides=Overrides(cluster=cluster.scheduler_address))
    assert not report.failures and len(report.rendered) == 2 and len(report.guides) == 1
    assert_same_output(root, reference)
    events = [event for _, event, _ in read_log(speech_log)]
    first_done = events.index("mastered")
    assert "speaking" in events[first_done:], "later items waited for room in the window"
    assert events.count("mastered") == 3


def test_the_readme_deployment_scheduler_and_workers_as_commands(reference: Path, tmp_path: Path) -> None:
    """`dask scheduler` and `dask worker` started as separate commands, as the README says."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    dask = str(Path(sys.executable).with_name("dask"))
    logs = (tmp_path / "scheduler.log").open("w"), (tmp_path / "worker.log").open("w")
    scheduler = subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", str(port),
                                  "--no-dashboard"], stdout=logs[0], stderr=subprocess.STDOUT)
    workers = subprocess.Popen([dask, "worker", address, "--nworkers", "2", "--nthreads", "1",
                                "--no-dashboard"], stdout=logs[1], stderr=subprocess.STDOUT)
    try:
        root = make_archive(tmp_path / "project")
        episode = root / "episodes" / "harbour-walk.md"
        result = render_cli(root, str(episode), env={"AUDIOGUIDE_CLUSTER": address})
        assert result.returncode == 0, result.stderr
        assert "Rendered 1 episode" in result.stdout
        for name in ("harbour-walk.mp3", "harbour-walk.json"):
            ours = (root / "output" / "episodes" / name).read_bytes()
            assert ours == (reference / "output" / "episodes" / name).read_bytes(), name
    finally:
        for process in (workers, scheduler):
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        for f in logs:
            f.close()
