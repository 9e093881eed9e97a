"""The whole ``localize run`` against translate-toolkit and po4a on the same generated articles.

For each size N (default 250, 1,000 and 3,000) the script writes N zh-Hant
articles like the sample ones (front matter, sections, citation runs, product
names, inline code, links, a source list) and runs, in the same process tree:

* localize ``run`` with one locale (zh-Hans-CN through OpenCC) and with five
  (the sample config): cold, no-op (nothing changed) and one article edited
  (the median of three runs each); optionally ``--jobs 2`` against ``--jobs 1``
  (cold runs alternating between the two, twice);
* translate-toolkit ``md2po`` + ``podebug`` + ``po2md`` (installed by this script
  into its own venv under ``~/.cache/localize-bench``);
* po4a (one config over all articles: ``po4a --no-translations``, ``msgen``,
  ``po4a --no-update``; Debian's package ``po4a``, installed with apt-get if missing).

The projects live in a temporary directory (``TMPDIR`` chooses where); the
script first prints how long creating a file takes there, and measures it again
before localize's cold run and before each peer, which run right after it so that
all three find the filesystem alike (creating and deleting thousands of files, as
the ``--jobs`` runs do, can make creating one far slower for minutes on some
filesystems). For each of them it prints the CPU time and the kernel's share. localize is
byte-compiled first, as ``pip install`` leaves it. It prints wall times, stage
times, peak memory (the process tree summed, each process by its proportional
set size, so forked workers are not charged for pages they share; sampled every
50 ms, and never below the largest single process's maximum RSS the kernel
reports) and the acceptance figures of issue 14 as ratios; it asserts nothing.

    .venv/bin/python benchmarks/pipeline.py --sizes 250,1000 --locales one
    .venv/bin/python benchmarks/pipeline.py                      # 250, 1000, 3000; one and five
    .venv/bin/python benchmarks/pipeline.py --sizes 250 --no-peers --jobs 1,2
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from measuring import Measured, children_cpu, file_creation_us, measure, measure_steps, snapshot

ROOT = Path(__file__).resolve().parents[1]
CPU_STAGES = ("extract", "check", "build")  # what --jobs fans out (translate waits on engines)
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "localize-bench"

PRODUCTS = ["Gemma 4", "Android AICore", "Google Cloud", "Apache 2.0", "Vertex AI", "Meta", "Mistral"]
TOPICS = ["開放模型", "裝置端推論", "授權條款", "雲端加速器", "資料中心", "開發者工具", "安全評估"]
SENTENCES = [
    "{p} 在 2026 年 {m} 月推出新版本，重點是{t}與部署成本[{c}]。",
    "對開發者來說，這代表{t}可以自由修改、再散布，也能放進商業產品裡。[{c}]",
    "最快的方式是執行 `pip install {code}` 之後，再呼叫 `{code}.load(\"v{n}\")` 載入權重。",
    "若要在手機上測試，可以參考 [{p} 開發指南](https://example.com/docs/{n}/{m}) 裡的範例程式。",
    "分析師認為，{p} 這次改變策略，是為了在企業市場搶回注意力[{c}][{d}]。",
    "官方表示，最小版本在中階手機上每秒可以產生約 {m}0 個詞元。[{c}]",
    "換句話說，法務團隊不必再逐條研究新的{t}文字！",
    "為什麼 {p} 的{t}這麼重要？",
    "也有人擔心，{t}越容易取得，越難追蹤它被用在哪裡。",
    "整體來看，{p} 的意義不在於跑分第一，而在於降低了{t}的採用門檻。",
]
HEADINGS = ["四種尺寸，從手機到資料中心", "為什麼授權這麼重要？", "開發者可以怎麼開始？", "競爭對手的反應"]


def article(n: int, edit: int = 0) -> str:
    """One article: front matter, a title, four sections of paragraphs, a quote, a source list."""
    def sentence(k: int) -> str:
        fields = {"p": PRODUCTS[(n + k) % len(PRODUCTS)], "t": TOPICS[(n * 3 + k) % len(TOPICS)],
                  "m": (n + k) % 12 + 1, "c": k % 7 + 1, "d": (k + 3) % 7 + 1, "n": n,
                  "code": f"tool{n % 50}"}
        return SENTENCES[(n + k) % len(SENTENCES)].format(**fields)

    lines = ["---", f"title: 第 {n} 篇：{PRODUCTS[n % 7]} 的{TOPICS[n % 7]}",
             f"description: 第 {n} 篇的摘要，談 {PRODUCTS[(n + 1) % 7]}。", f"slug: news/a{n:05d}",
             f"date: 2026-04-{n % 28 + 1:02d}", "---", "", f"# 第 {n} 篇：{PRODUCTS[n % 7]}", ""]
    k = 0
    for section, heading in enumerate(HEADINGS):
        if section:
            lines += [f"## {heading}", ""]
        for _ in range(2):
            lines += ["".join(sentence(k + i) for i in range(3)), ""]
            k += 3
    if edit:
        lines += [f"編輯後新增的句子，第 {edit} 次修改。", ""]
    lines += ["> 「授權改變的影響，可能比跑分進步還大。」一位工程師這樣說。", "", "## 參考資料", ""]
    lines += [f"{i}. 來源 {i}：{PRODUCTS[(n + i) % 7]} 官方文件，https://example.com/src/{n}/{i}" for i in range(1, 8)]
    return "\n".join(lines) + "\n"


def write_corpus(root: Path, size: int, locales: str) -> None:
    """A project directory with ``size`` articles, the sample glossary and a config."""
    (root / "content/news").mkdir(parents=True)
    (root / "glossaries").mkdir()
    shutil.copy(ROOT / "glossaries/terms.csv", root / "glossaries/terms.csv")
    if locales == "five":
        shutil.copy(ROOT / "localize.toml", root / "localize.toml")
    else:
        (root / "localize.toml").write_text(
            'source_locale = "zh-Hant-TW"\ntarget_locales = ["zh-Hans-CN"]\n'
            'base_url = "https://example.com/news"\nurl_pattern = "{locale}/{slug}/"\n'
            'publish = "machine"\nmin_completion = 0.8\n\n[engine]\nname = "opencc"\n', "utf-8")
    for n in range(size):
        (root / f"content/news/a{n:05d}.md").write_text(article(n), "utf-8")


# --- the three tools ------------------------------------------------------------------------


JOBS_ROUNDS = 2


def jobs_runs(size: int, project: Path, jobs: list[int], row: Callable[..., None]) -> None:
    """Cold runs with each ``--jobs`` value, alternating for ``JOBS_ROUNDS`` rounds (a machine
    whose load drifts between two runs would otherwise favour one value), and the ratio of
    the CPU stages' total time per value; nothing without values."""
    cpu: dict[int, list[float]] = {count: [] for count in jobs}
    for _ in range(JOBS_ROUNDS):
        for count in jobs:
            shutil.rmtree(project)
            write_corpus(project, size, "one")
            measured = localize_run(project, count)
            cpu[count].append(sum(measured.stages.get(s, 0.0) for s in CPU_STAGES))
            row(size, f"  cold, --jobs {count}", measured,
                f"CPU stages {cpu[count][-1]:.2f} s; {measured.cpu_note()}", "one")
    if len(cpu) > 1:
        least, most = min(cpu), max(cpu)
        rounds = ", ".join(f"{a / b:.2f}x" for a, b in zip(cpu[least], cpu[most], strict=True))
        print(f"{size:>5}   --jobs {most} against --jobs {least} on the CPU stages ({', '.join(CPU_STAGES)}): "
              f"{sum(cpu[least]) / sum(cpu[most]):.2f}x over {JOBS_ROUNDS} alternating rounds "
              f"({rounds}) (goal >= 1.5x)")


def localize_run(project: Path, jobs: int | None) -> Measured:
    """``localize run`` in a child that also reports each stage's time (see ``--child``)."""
    argv = [sys.executable, __file__, "--child", str(project)]
    if jobs is not None:
        argv += ["--child-jobs", str(jobs)]
    return measure(argv, stdout=subprocess.PIPE)


#: No-op and edited runs take about a second, where a busy moment on a shared machine shows:
#: each is run this many times and the median reported, with the range.
REPEATS = 3


def median_of(runs: list[Measured]) -> Measured:
    """The run of median wall time, with the most memory any of them took and the range."""
    ordered = sorted(runs, key=lambda run: run.wall)
    return replace(ordered[len(ordered) // 2], rss_mb=max(run.rss_mb for run in runs),
                   spread=f"median of {len(runs)}, {ordered[0].wall:.2f}-{ordered[-1].wall:.2f} s")


def noop_runs(project: Path) -> tuple[Measured, list[str]]:
    """``REPEATS`` runs with nothing changed, and every file any of them touched."""
    runs, touched = [], set()
    for _ in range(REPEATS):
        before = snapshot(project)
        runs.append(localize_run(project, None))
        after = snapshot(project)
        touched |= {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
    return median_of(runs), sorted(touched)


def edited_runs(project: Path) -> Measured:
    """``REPEATS`` runs after each of which one article was edited again (a new sentence each time)."""
    runs = []
    for edit in range(1, REPEATS + 1):
        (project / "content/news/a00001.md").write_text(article(1, edit=edit), "utf-8")
        runs.append(localize_run(project, None))
    return median_of(runs)


def _cpu_seconds() -> tuple[float, float]:
    """CPU time of this process and of the children it has waited for (a stage's workers),
    and the system (kernel) part of it."""
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    children, children_kernel = children_cpu()
    return own.ru_utime + own.ru_stime + children, own.ru_stime + children_kernel


def child(project_dir: str, jobs: int | None) -> None:
    """Run the CLI's ``run`` with each stage function wrapped in a timer; print each stage's
    wall and CPU seconds (its workers' included) as JSON."""
    import localize.catalog.extract as extract
    import localize.mdout as mdout
    import localize.qa as qa
    import localize.site as site
    import localize.translate as translate
    stages: dict[str, float] = {}
    cpu: dict[str, float] = {}
    kernel: dict[str, float] = {}

    def timed(module: object, name: str, label: str) -> None:
        original = getattr(module, name)

        def wrapper(*args: object, **kwargs: object) -> object:
            started, cpu_started = time.perf_counter(), _cpu_seconds()
            try:
                return original(*args, **kwargs)
            finally:
                stages[label] = stages.get(label, 0.0) + time.perf_counter() - started
                cpu_now = _cpu_seconds()
                cpu[label] = cpu.get(label, 0.0) + cpu_now[0] - cpu_started[0]
                kernel[label] = kernel.get(label, 0.0) + cpu_now[1] - cpu_started[1]

        setattr(module, name, wrapper)

    timed(extract, "extract_project", "extract")
    timed(translate, "translate_project", "translate")
    timed(qa, "check_project", "check")
    timed(site, "build_site", "build")
    timed(mdout, "build_markdown", "markdown")  # the sample config's second format
    argv = ["--quiet", "--project", project_dir, "run"]
    if jobs is not None:
        argv.append(f"--jobs={jobs}")
    code = _invoke_cli(argv)
    sys.stdout.write(json.dumps({"stages": stages, "cpu": cpu, "kernel": kernel}) + "\n")
    sys.exit(code)


def _invoke_cli(argv: list[str]) -> int:
    """The command as ``localize`` runs it (its entry point, process settings included)."""
    from localize.cli import main

    try:
        main(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def compile_localize() -> None:
    """Byte-compile localize as ``pip install`` does, so every run measures the code, not the
    compiler: from a checkout with PYTHONDONTWRITEBYTECODE set, each process would otherwise
    compile every module it imports (about 0.1 s per run here). translate-toolkit's venv is
    compiled by pip."""
    import compileall

    import localize

    compileall.compile_dir(str(Path(localize.__file__).parent), quiet=1)


def ensure_translate_toolkit() -> Path:
    venv = CACHE / "ttk"
    if not (venv / "bin/po2md").exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin/pip"), "install", "-q", "translate-toolkit[markdown]"], check=True)
    return venv / "bin"


def ensure_po4a() -> bool:
    if shutil.which("po4a-translate"):
        return True
    subprocess.run(["apt-get", "install", "-y", "-qq", "po4a"], check=False,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return shutil.which("po4a-translate") is not None


def translate_toolkit(bin_dir: Path, project: Path) -> Measured:
    """md2po the content, podebug (the peer's offline 'translation'), po2md back to Markdown."""
    work = project / "ttk"
    work.mkdir()
    steps = [
        ("md2po", [bin_dir / "md2po", "-i", project / "content", "-o", work / "po"]),
        ("podebug", [bin_dir / "podebug", "--rewrite=xxx", "-i", work / "po", "-o", work / "po-debug"]),
        ("po2md", [bin_dir / "po2md", "-t", project / "content", "-i", work / "po-debug", "-o", work / "out"]),
    ]
    measured = measure_steps([(label, [str(a) for a in argv]) for label, argv in steps])
    if len(list((work / "out").rglob("*.md"))) != len(list((project / "content").rglob("*.md"))):
        print("translate-toolkit failed: see above", file=sys.stderr)
    return measured


def po4a(project: Path) -> Measured:
    """One po4a config over all articles: gettextize (``--no-translations``), msgen, translate."""
    work = project / "po4a"
    for sub in ("pot", "po", "out"):
        (work / sub).mkdir(parents=True)
    lines = ["[po4a_langs] zh", "[po4a_paths] pot/all.pot $lang:po/$lang.po",
             '[options] opt:"-o markdown -M UTF-8 -L UTF-8 -k 0"']
    for source in sorted((project / "content/news").glob("*.md")):
        lines.append(f"[type: text] {source} $lang:out/{source.name}")
    (work / "po4a.cfg").write_text("\n".join(lines) + "\n", "utf-8")
    measured = measure_steps([("gettextize", ["po4a", "-q", "--no-translations", "po4a.cfg"]),
                              ("msgen", ["msgen", "po/zh.po", "-o", "po/zh.po"]),
                              ("translate", ["po4a", "-q", "--no-update", "po4a.cfg"])], cwd=work)
    if len(list((work / "out").glob("*.md"))) != len(list((project / "content/news").glob("*.md"))):
        print("po4a failed: see above", file=sys.stderr)
    return measured


def peer_rows(size: int, project: Path, cold: Measured, peers: tuple[Path | None, bool],
              row: Callable[..., None]) -> None:
    """translate-toolkit and po4a on ``project``'s articles, each against localize's cold run.

    Run right after it: creating and deleting thousands of files (each ``--jobs`` run starts
    from a new copy) can make creating one cost ten times more for minutes afterwards on
    some filesystems, and every tool here creates thousands."""
    ttk, has_po4a = peers

    def compare(label: str, run: Callable[[], Measured], goal: bool = False) -> None:
        created = file_creation_us()
        peer = run()
        target = f" (goal >= 5x at N=1000, a run of {peer.wall / 5:.1f} s)" if goal else ""
        row(size, label, peer, f"localize is {peer.wall / cold.wall:.1f}x faster{target}; "
            f"{peer.process_cpu_note()}; a file took {created:.0f} us before it")

    if ttk is not None:
        compare("translate-toolkit md2po+podebug+po2md", lambda: translate_toolkit(ttk, project), goal=True)
    if has_po4a:
        compare("po4a gettextize+msgen+translate", lambda: po4a(project))


# --- the table ------------------------------------------------------------------------------


def fmt_stages(stages: dict[str, float]) -> str:
    return " ".join(f"{k} {v:.1f}" for k, v in stages.items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="250,1000,3000", help="Article counts, comma-separated.")
    parser.add_argument("--locales", default="one,five", help="'one', 'five' or 'one,five'.")
    parser.add_argument("--jobs", default="", help="Also time these --jobs values (e.g. 1,2) on one locale.")
    parser.add_argument("--no-peers", action="store_true", help="Skip translate-toolkit and po4a.")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--child-jobs", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.child_jobs)
        return
    sizes = [int(s) for s in args.sizes.split(",") if s]
    locale_sets = [s for s in args.locales.split(",") if s]
    jobs = [int(j) for j in args.jobs.split(",") if j]
    compile_localize()
    ttk = None if args.no_peers else ensure_translate_toolkit()
    has_po4a = False if args.no_peers else ensure_po4a()

    print(f"work directory {tempfile.gettempdir()} (TMPDIR): {file_creation_us():.0f} us to create a file "
          "(every tool here pays it for each file it writes)", flush=True)
    rows: list[tuple[str, ...]] = []
    per_article: dict[str, dict[int, float]] = {}
    peaks: dict[str, dict[int, float]] = {}  # the most memory any localize run of a size took
    print(f"{'N':>5} {'work':<34} {'wall s':>8} {'RSS MB':>7}  stages / notes", flush=True)

    def row(size: int, label: str, measured: Measured, note: str = "", locales: str = "") -> None:
        if locales:
            sized = peaks.setdefault(locales, {})
            sized[size] = max(sized.get(size, 0.0), measured.rss_mb)
        line = (f"{size:>5} {label:<34} {measured.wall:>8.2f} {measured.rss_mb:>7.0f}  "
                f"{fmt_stages(measured.stages)} {note}".rstrip())
        print(line, flush=True)
        rows.append((str(size), label, f"{measured.wall:.2f}", f"{measured.rss_mb:.0f}", note))

    for size in sizes:
        for locales in locale_sets:
            with tempfile.TemporaryDirectory(prefix="bench-pipeline-") as tmp:
                project = Path(tmp) / "project"
                write_corpus(project, size, locales)
                created = file_creation_us()
                cold = localize_run(project, None)
                row(size, f"localize run, {locales} locale(s), cold", cold,
                    f"{cold.cpu_note()}; a file took {created:.0f} us to create before it", locales)
                per_article.setdefault(locales, {})[size] = cold.wall / size
                if locales == "one":  # next, so that they find the filesystem as the cold run did
                    peer_rows(size, project, cold, (ttk, has_po4a), row)
                noop, touched = noop_runs(project)
                changed = f"{len(touched)} {' '.join(touched[:3])}".strip()
                row(size, "  no-op", noop, f"= {noop.wall / cold.wall:.0%} of cold "
                    f"(goal <= {max(0.05 * cold.wall, 1.0):.1f} s); {noop.spread}; files touched: {changed}",
                    locales)
                edited = edited_runs(project)
                edited_goal = max(0.05 * cold.wall, 1.0) + cold.wall / size  # the no-op's, plus its share
                row(size, "  one article edited", edited, f"= {edited.wall / cold.wall:.0%} of cold "
                    f"(goal <= {edited_goal:.2f} s); {edited.spread}", locales)
                if locales == "one":
                    jobs_runs(size, project, jobs, row)
    for locales, costs in per_article.items():
        if len(costs) > 1:
            small, large = min(costs), max(costs)
            print(f"cost per article, {locales} locale(s): N={large} is {costs[large] / costs[small]:.2f}x "
                  f"N={small} (goal <= 1.25x)")
    for locales, sized in peaks.items():
        largest = max(sized)
        print(f"peak memory, {locales} locale(s): {sized[largest]:.0f} MB at N={largest}, the most of its cold, "
              f"no-op, edited and --jobs runs (goal < 300 MB at N=3000)")


if __name__ == "__main__":
    main()
