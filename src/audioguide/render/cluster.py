"""Rendering on a Dask cluster: ``audioguide render --cluster ADDRESS``.

The workers do the heavy lifting; the machine running ``render`` keeps the project and
``output/``:

1. every sentence missing from the shared sentence cache becomes one task (``speak-<key>``): a
   worker synthesizes it and writes it to the cache. A sentence used by several episodes is
   one task;
2. every episode becomes one task that depends on its sentences: a worker mixes, masters and
   encodes it (:mod:`audioguide.render.work`) and sends back the MP3 and its facts. Episode tasks
   go first once their sentences are ready, so mastering overlaps the synthesis of later
   episodes. An audio guide is one such task too: every stop, then the whole guide as MP3
   and M4B;
3. here, each file is tagged and moved into ``output/`` as it arrives, and its record written.

Items enter a window at a time (:data:`WINDOW_PER_WORKER` per worker), the next as one finishes,
so an archive of thousands of scripts never sits in the scheduler at once.

When a worker dies, Dask runs its tasks again elsewhere. Finished sentences are already in the
cache, and a sentence task first looks there, so only the sentences being synthesized at that
moment are lost.

The workers need the same audioguide version and voices (checked: a worker whose voice model
differs refuses to speak), and must all see the sentence cache: a shared folder or an fsspec
URL (``s3://…``). This module is imported only when a cluster is asked for, and Dask is an
optional extra (``pip install 'audioguide[cluster]'``).
"""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import socket
import tempfile
import threading
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from audioguide import __version__, ffmpeg
from audioguide.errors import AudioguideError, BuildError, ConfigError, EngineError
from audioguide.layout import MP3, OPUS
from audioguide.models import Audio
from audioguide.render import guides
from audioguide.render.assembly import EpisodeAudio
from audioguide.render.batch import Batch
from audioguide.render.items import (
    Pending,
    cover_for,
    episode_dest,
    episode_job,
    write_episode,
)
from audioguide.render.work import (
    EpisodeJob,
    GuideAudio,
    GuideJob,
    make_episode_audio,
    make_guide_audio,
)
from audioguide.settings import CLUSTER_ADDRESS
from audioguide.speech.cache import SentenceCache
from audioguide.speech.engines import EngineSettings
from audioguide.speech.synth import Synthesizer

if TYPE_CHECKING:
    from distributed import Client

log = logging.getLogger(__name__)

WINDOW_PER_WORKER = 4
"""Episodes (with their sentences) in flight per worker: enough to keep every worker busy, few
enough that an archive of thousands of scripts never sits in the scheduler at once."""
EPISODE_PRIORITY = 10
"""Episode tasks run before waiting sentences, so finished episodes leave the cluster early."""


@dataclass(frozen=True)
class Voice:
    """What a worker needs to speak like this machine would: engine, settings, cache, and the
    identity the cache keys were made from (checked on the worker)."""

    engine: str
    settings: EngineSettings
    cache: str
    identity: str
    version: str = __version__

    @classmethod
    def of(cls, synth: Synthesizer, cache: str) -> Voice:
        return cls(synth.name, synth.settings, cache, json.dumps(synth.identity, sort_keys=True))


# --- on the workers ------------------------------------------------------------------------

_synths: dict[Voice, Synthesizer] = {}
_synths_lock = threading.Lock()


def _worker_synth(voice: Voice) -> Synthesizer:
    """This worker process's synthesizer for ``voice`` (loaded once, shared by its threads)."""
    with _synths_lock:
        if voice not in _synths:
            host = socket.gethostname()
            if voice.version != __version__:
                raise EngineError(f"worker on {host} runs audioguide {__version__}, this render "
                                  f"needs {voice.version}",
                                  fix="Install the same audioguide version on every worker")
            synth = Synthesizer(voice.engine, voice.settings, SentenceCache(voice.cache), jobs=1)
            mine = json.dumps(synth.identity, sort_keys=True)
            if mine != voice.identity:
                raise EngineError(f"worker on {host} has a different {voice.engine} voice "
                                  f"({mine} instead of {voice.identity})",
                                  fix="Install the same voice packages on every worker")
            _synths[voice] = synth
        return _synths[voice]


def speak_sentence(voice: Voice, key: str, text: str, where: str) -> bool:
    """Task: put one sentence into the shared cache; True when it had to be synthesized."""
    synth = _worker_synth(voice)
    if key in synth.cache:  # done before, perhaps by a worker that died before reporting it
        return False
    log.debug("speaking %s", key)
    synth.speak(key, text, where=where)
    log.debug("spoke %s", key)
    return True


def master_episode(voice: Voice, job: EpisodeJob, *_sentences: bool) -> tuple[EpisodeAudio, dict[str, bytes]]:
    """Task: mix, master and encode one episode from the cache; the untagged MP3 (and Opus, when
    the job makes one) comes back by suffix."""
    synth = _worker_synth(voice)
    log.debug("mastering %d sentences", len(job.utterances))
    with tempfile.TemporaryDirectory(prefix="audioguide-") as work:
        dest, opus_dest = Path(work) / f"episode{MP3}", Path(work) / f"episode{OPUS}"
        made = make_episode_audio(job, synth.audio, dest, opus_dest if job.opus_bitrate else None)
        log.debug("mastered %.1f s", made.duration)
        return made, {p.suffix: p.read_bytes() for p in (dest, opus_dest) if p.exists()}


def master_guide(voice: Voice, job: GuideJob, *_sentences: bool) -> tuple[GuideAudio, dict[str, bytes]]:
    """Task: master a guide's stops and the whole guide; the untagged files come back by name."""
    synth = _worker_synth(voice)
    log.debug("mastering a guide of %d stops", len(job.stops))
    with tempfile.TemporaryDirectory(prefix="audioguide-") as work:
        made = make_guide_audio(job, synth.audio, Path(work))
        log.debug("mastered %.1f s", made.full_duration)
        return made, {p.name: p.read_bytes() for p in Path(work).iterdir()}


_MasterTask = Callable[..., tuple[EpisodeAudio, dict[str, bytes]] | tuple[GuideAudio, dict[str, bytes]]]
""":func:`master_episode` or :func:`master_guide`, as submitted to the cluster."""


def _sees(location: str, key: str) -> bool:
    """Run on every worker: whether it can read the probe entry this machine wrote."""
    return key in SentenceCache(location)


# --- on this machine -----------------------------------------------------------------------

def connect(address: str, timeout: float) -> tuple[Client, Any]:
    """A client for ``address`` (``local:N`` starts N worker processes here) and the local
    cluster it started, if any."""
    if not CLUSTER_ADDRESS.match(address):
        raise ConfigError([f"cluster address {address!r} is not a Dask scheduler address; use "
                           "tcp://host:8786 or local:N"])
    try:
        import distributed
    except ImportError as exc:
        raise ConfigError(["rendering on a cluster needs Dask: pip install 'audioguide[cluster]'"]) from exc
    if not log.isEnabledFor(logging.DEBUG):  # Dask's own chatter only with -vv
        for name in ("distributed", "dask"):
            logging.getLogger(name).setLevel(logging.WARNING)
    local = None
    found = re.fullmatch(r"local(?::(\d+))?", address, re.I)
    if found:
        workers = int(found.group(1) or os.cpu_count() or 1)
        if not 1 <= workers <= 256:
            raise ConfigError([f"cluster address {address!r} asks for {workers} workers; use 1 to 256"])
        local = distributed.LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
            silence_logs=logging.ERROR)
    try:
        client = distributed.Client(  # type: ignore[no-untyped-call]
            local or address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise BuildError(f"cannot reach the Dask scheduler at {address} ({exc})",
                         fix="Start it with 'dask scheduler' and workers with 'dask worker ADDRESS', "
                             "or correct --cluster, AUDIOGUIDE_CLUSTER or [cluster] address") from exc
    try:
        client.wait_for_workers(1, timeout=timeout)
    except TimeoutError as exc:
        client.close()  # type: ignore[no-untyped-call]
        raise BuildError(f"the Dask scheduler at {address} has no workers",
                         fix=f"Start some with: dask worker {address}") from exc
    if local is not None and ffmpeg.CHILD_SETUP is not None:
        client.run(ffmpeg.CHILD_SETUP)  # the worker processes started here die with this process
    return client, local


def check_cache_shared(client: Client, cache: SentenceCache) -> None:
    """Fail early, with the fix, when some worker cannot see the sentence cache."""
    key = secrets.token_hex(32)
    cache.put(key, Audio(b"\0\0", 22050))
    try:
        seen = client.run(_sees, cache.location, key)
    finally:
        cache.delete(key)
    blind = sorted(worker for worker, ok in seen.items() if not ok)
    if blind:
        raise ConfigError([f"the sentence cache {cache.location} is not visible to the cluster's "
                           f"workers {', '.join(blind)}; set [cache] dir (or AUDIOGUIDE_CACHE) to a "
                           "folder every worker mounts at the same path, or to a URL such as "
                           "s3://bucket/audioguide-cache"])


def _shared_location(cache: SentenceCache) -> str:
    return cache.location if cache.remote else str(cache.root.resolve())


def _failure(work: Pending, exc: BaseException) -> AudioguideError:
    if isinstance(exc, AudioguideError):
        return exc
    name = type(exc).__name__
    return BuildError(f"{work.path}: the cluster could not render it ({name}: {exc})",
                      fix="See the Dask workers' logs")


def render(address: str, batch: Batch, pending: list[Pending], *, timeout: float) -> None:
    """Render ``pending`` on the cluster at ``address``, writing into ``batch.out_dir``."""
    from distributed import as_completed

    client, local = connect(address, timeout)
    try:
        cache = pending[0].synth.cache
        location = _shared_location(cache)
        check_cache_shared(client, cache)
        workers = len(client.scheduler_info()["workers"])
        window = max(2, WINDOW_PER_WORKER * workers)
        log.info("rendering %d item(s) on %s (%d workers, up to %d items at a time)",
                 len(pending), address, workers, window)
        sentences: dict[str, Any] = {}  # cache key -> its task, until it has finished
        uses: dict[str, int] = {}  # cache key -> utterances waiting for it (progress)
        jobs: dict[Any, Pending] = {}  # episode or guide task -> what it renders
        waiting = deque(pending)
        running = as_completed(loop=client.loop)  # type: ignore[no-untyped-call]
        # what the cache holds: one listing for remote storage instead of a request per sentence
        # (a sentence added meanwhile is still found by its task, which looks before speaking)
        listed = set(cache.keys()) if cache.remote else None

        def cached(key: str) -> bool:
            return key in listed if listed is not None else key in cache

        def admit() -> None:
            """Submit items (their missing sentences, then their audio) while the window has room."""
            while waiting and len(jobs) < window:
                work = waiting.popleft()
                voice = Voice.of(work.synth, location)
                where = str(work.script.path or work.script.meta.slug)
                needs = []
                ready = 0
                for u in work.utterances:
                    key = work.synth.key(u.text) if u.text else ""
                    if key and (key in sentences or not cached(key)):
                        if key not in sentences:
                            sentences[key] = client.submit(speak_sentence, voice, key, u.text, where,
                                                           key=f"audioguide-speak-{key}")
                            running.add(sentences[key])  # type: ignore[no-untyped-call]
                        uses[key] = uses.get(key, 0) + 1
                        needs.append(sentences[key])
                    elif key:  # a sentence in the cache (a pause is not a sentence)
                        ready += 1
                if batch.progress and ready:
                    batch.progress(ready)
                kind = "guide" if work.guide else "episode"
                name = f"audioguide-{kind}-{work.script.meta.slug}-{uuid.uuid4().hex[:8]}"
                try:
                    job, task = _master_job(batch, work)
                except AudioguideError as exc:
                    batch.fail(work.path, exc)
                    continue
                future = client.submit(task, voice, job, *dict.fromkeys(needs), key=name,
                                       priority=EPISODE_PRIORITY)
                jobs[future] = work
                running.add(future)  # type: ignore[no-untyped-call]

        admit()
        for task in running:
            if task in jobs:
                _write(batch, jobs.pop(task), task)
                admit()
                continue
            key = task.key.removeprefix("audioguide-speak-")
            sentences.pop(key, None)  # in the cache now (or failed: its items fail with it)
            if task.status == "finished":
                if listed is not None:
                    listed.add(key)
                batch.report.synthesized += int(task.result())
                if batch.progress:
                    batch.progress(uses.pop(key, 0))
    finally:
        client.close()  # type: ignore[no-untyped-call]
        if local is not None:
            local.close()


def _master_job(batch: Batch, work: Pending) -> tuple[EpisodeJob | GuideJob, _MasterTask]:
    """What a worker masters for ``work``, and the task function that does it."""
    if work.guide:
        return guides.guide_job(batch.config, work.script, work.utterances), master_guide
    job = episode_job(batch.config, work.script, work.utterances, work.synth, batch.bed(),
                      episode_dest(batch.out_dir, work.script), keep_segments=False)  # workers elsewhere
    return job, master_episode


def _write(batch: Batch, work: Pending, task: Any) -> None:
    """Tag a finished episode's or guide's audio and move it into place (or record why it
    failed)."""
    try:
        made, files = task.result()
    except Exception as exc:  # noqa: BLE001 - any task failure becomes this item's failure
        batch.fail(work.path, _failure(work, exc))
        return
    task.release()
    try:
        if work.guide:
            with tempfile.TemporaryDirectory(prefix="audioguide-") as folder, \
                    cover_for(work.script, batch.cover) as cover:
                for name, data in files.items():
                    (Path(folder) / name).write_bytes(data)
                batch.report.guides.append(guides.write_guide(
                    batch.config, work.script, made, Path(folder), out_dir=batch.out_dir,
                    cover=cover, publish=batch.publish_guide, key=work.key))
        else:
            def place(tmp: Path, opus_tmp: Path | None) -> EpisodeAudio:
                tmp.write_bytes(files[MP3])
                if opus_tmp is not None and OPUS in files:
                    opus_tmp.write_bytes(files[OPUS])
                return cast(EpisodeAudio, made)

            batch.report.rendered.append(write_episode(
                batch.config, work.script, place, dest=episode_dest(batch.out_dir, work.script),
                number=work.number, cover=batch.cover, key=work.key))
        log.info("rendered %s on the cluster", work.script.meta.slug)
    except AudioguideError as exc:
        batch.fail(work.path, exc)
