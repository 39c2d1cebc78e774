"""The `socfit` command line. Errors a user can fix print one line and exit 2; nothing prints a traceback."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from socfit import __version__
from socfit.errors import CodeError, SocfitError

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Recommend the right U.S. SOC 2018 code for an immigration petition, with evidence.")
data_app = typer.Typer(no_args_is_help=True, help="Build, inspect and download the knowledge pack.")
app.add_typer(data_app, name="data")
out = Console()
err = Console(stderr=True)

PackOpt = typer.Option(None, "--pack", envvar="SOCFIT_PACK", help="Pack file (default: per-user data folder).")


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), console=err,
                    transient=True, disable=not err.is_terminal)


def _dump(obj) -> None:
    sys.stdout.write(json.dumps(obj, indent=2, ensure_ascii=False, default=str) + "\n")


@app.callback(invoke_without_command=True)
def _main(version: bool = typer.Option(False, "--version", help="Print the version and exit.")) -> None:
    if version:
        out.print(f"socfit {__version__}")
        raise typer.Exit()


@data_app.command("build")
def data_build(
    sources: Optional[Path] = typer.Option(None, "--sources", help="Folder of official files (default: $SOCFIT_SOURCES, else ../shared/data)."),
    out_path: Optional[Path] = typer.Option(None, "--out", envvar="SOCFIT_PACK", help="Where to write the pack."),
    embeddings: bool = typer.Option(True, "--embeddings/--no-embeddings", help="Also compute the coder's embeddings."),
) -> None:
    """Parse every official source into one SQLite knowledge pack (atomic: the old pack survives a failure)."""
    from socfit.config import default_pack, resolve_sources
    from socfit.pack import build_pack

    src = resolve_sources(sources)
    dest = out_path or default_pack()
    with _progress() as prog:
        task = prog.add_task("building", total=1)
        rep = build_pack(src, dest, lambda d, i, n: prog.update(task, description=d, completed=i, total=n))
    for w in rep.warnings:
        err.print(f"[yellow]warning:[/] {w}", soft_wrap=True)
    out.print(f"Built {rep.path} ({rep.bytes / 2**20:.1f} MB) in {rep.seconds:.1f} s from {src}")
    out.print(", ".join(f"{k} {v:,}" for k, v in rep.counts.items()))
    if embeddings:
        import time

        from socfit.pack import open_pack
        from socfit.retrieve.index import get_index

        t = time.perf_counter()
        with _progress() as prog:
            task = prog.add_task("embedding", total=1)
            get_index(open_pack(dest), ("minilm", "e5", "use"),
                      say=lambda d, i, n: prog.update(task, description=d, completed=i, total=n))
            from socfit.retrieve.encoders import get_encoder

            prog.update(task, description="query encoder (int8 MiniLM)")
            get_encoder("minilm-query").load()  # derives and caches the int8 model now, not at the first query
        out.print(f"Embeddings ready beside the pack in {time.perf_counter() - t:.0f} s (reused when the data are unchanged)")


@data_app.command("status")
def data_status(pack: Optional[Path] = PackOpt, as_json: bool = typer.Option(False, "--json")) -> None:
    """Pack path, per-source versions and row counts, and an integrity check."""
    from socfit.config import default_pack
    from socfit.pack import open_pack

    st = open_pack(pack or default_pack()).status()
    if as_json:
        _dump(st)
        return
    out.print(f"[bold]{st['pack']}[/]  id {st['pack_id']}, built {st['built_at']}, {st['bytes'] / 2**20:.1f} MB, "
              f"integrity: {st['integrity']}")
    t = Table("source", "version", "rows", "sha256", "provenance")
    for s in st["sources"]:
        match = [f["matches_provenance"] for f in s["files"] if f["matches_provenance"] is not None]
        t.add_row(s["name"], s["version"], f"{s['rows']:,}", s["sha256"][:12],
                  "match" if match and all(match) else ("DIFFERS" if match else "—"))
    out.print(t)
    out.print(", ".join(f"{k} {v:,}" for k, v in st["counts"].items()))


@data_app.command("download")
def data_download(
    dest: Path = typer.Option(..., "--dest", help="Folder to lay the official files out in."),
    mirror: Optional[str] = typer.Option(None, "--mirror", help="Replace scheme+host of every official URL."),
    only: Optional[list[str]] = typer.Option(None, "--only", help="Fetch only these sources (repeatable)."),
) -> None:
    """Fetch the official files from the agencies' URLs, verify them, and lay them out for `data build`."""
    from socfit.sources.download import download

    with _progress() as prog:
        task = prog.add_task("downloading", total=1)
        rep = download(dest, mirror=mirror, only=only,
                       progress=lambda d, i, n: prog.update(task, description=d, completed=i, total=n))
    for f in rep.files:
        out.print(f"{f['path']}  {f['bytes']:,} B  sha256 {f['sha256'][:12]}")
    for w in rep.warnings:
        err.print(f"[yellow]warning:[/] {w}", soft_wrap=True)
    for e in rep.errors:
        err.print(f"[red]error:[/] {e}", soft_wrap=True)
    if rep.errors:
        raise typer.Exit(1)
    out.print(f"Downloaded {len(rep.files)} files to {dest}; now run: socfit data build --sources {dest}")


@app.command("occupation")
def occupation(code: str = typer.Argument(..., help="15-1252, 151252, 15-1252.00, 15-1299.08 or a SOC 2010 code"),
               pack: Optional[Path] = PackOpt, as_json: bool = typer.Option(False, "--json")) -> None:
    """One occupation card: titles, definition, Job Zone, education, wages, tasks, programs, data versions."""
    from socfit.api import occupation as get_card
    from socfit.render.occupation import render_card

    c = get_card(code, pack)
    if as_json:
        _dump(c.to_dict())
    else:
        out.print(render_card(c))


@app.command("code")
def code_cmd(
    title: Optional[str] = typer.Argument(None, help="Job title, in any language."),
    duties: Optional[str] = typer.Option(None, "--duties", help="What the person does (text; sentences or lines)."),
    top: int = typer.Option(5, "--top", min=1, max=20),
    as_json: bool = typer.Option(False, "--json"),
    input_file: Optional[Path] = typer.Option(None, "--input", help="CSV or Excel (.xlsx) file with a 'title' column (optional 'description', 'education')."),
    output: Optional[Path] = typer.Option(None, "--output", help="Where to write batch results (default: stdout)."),
    fmt: Optional[str] = typer.Option(None, "--format", help="Batch output: jsonl, csv or xlsx (default: from the --output name, else jsonl)."),
    pack: Optional[Path] = PackOpt,
) -> None:
    """Rank SOC 2018 codes for a job title (and duties), with evidence; or code a whole CSV or Excel file with --input."""
    from socfit.api import get_pack
    from socfit.coder import get_coder
    from socfit.errors import InputError

    if fmt is None:
        suffix = output.suffix.lower().lstrip(".") if output is not None else ""
        fmt = suffix if suffix in ("csv", "xlsx") else "jsonl"
    if fmt not in ("jsonl", "csv", "xlsx"):
        raise InputError(f"--format must be jsonl, csv or xlsx, not {fmt!r}")
    coder = get_coder(get_pack(pack))
    if input_file is not None:
        from socfit.batch import code_file

        with _progress() as prog:
            task = prog.add_task("coding", total=None)
            rep = code_file(coder, input_file, output, fmt, top, progress=lambda n: prog.update(task, completed=n))
        err.print(f"coded {rep['rows']:,} rows ({rep['errors']} with errors; read as {rep['encoding']})", soft_wrap=True)
        return
    if title is None:
        raise InputError("give a job title, or --input FILE.csv")
    from socfit.errors import check_text

    check_text(title, "the title")
    if duties:
        check_text(duties, "--duties")
    res = coder.code(title, duties, top)
    if as_json:
        _dump(res.to_dict())
        return
    from socfit.render.code import render_code

    out.print(render_code(res))


@app.command("advise")
def advise_cmd(
    profile: Path = typer.Argument(..., help="Profile file (JSON or YAML; see docs/advisor.md)."),
    fmt: str = typer.Option("text", "--format", help="text, json, md, html or pdf."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Write the report here (required for pdf)."),
    n: int = typer.Option(4, "--candidates", min=2, max=8, help="Candidates compared side by side."),
    pack: Optional[Path] = PackOpt,
) -> None:
    """NIW advice: candidates side by side, recommendation, risk flags, questions, and the I-140 Part 6 block."""
    from socfit.advisor import advise, load_profile
    from socfit.errors import InputError
    from socfit.render.report import render

    if fmt not in ("text", "json", "md", "html", "pdf"):
        raise InputError(f"--format must be one of text, json, md, html, pdf (not {fmt!r})")
    if fmt == "pdf" and output is None:
        raise InputError("--format pdf writes a binary file: give -o FILE.pdf")
    if output is not None and not output.parent.exists():
        raise InputError(f"the folder for {output} does not exist")
    if output is not None and output.is_dir():
        raise InputError(f"{output} is a folder: give a file name, e.g. {output / ('report.' + ('txt' if fmt == 'text' else fmt))}")
    advice = advise(load_profile(profile), candidates=n, pack=pack)
    body = render(advice.to_dict(), fmt)
    if output is None:
        sys.stdout.write(body if isinstance(body, str) else body.decode())
        return
    from socfit.batch import output_file

    try:
        with output_file(output) as f:  # written whole, then renamed: never a half report
            f.write(body if isinstance(body, bytes) else body.encode("utf-8"))
    except OSError as e:
        raise InputError(f"cannot write {output}: {e.strerror or e}") from None
    err.print(f"wrote {output}")


@app.command("serve")
def serve_cmd(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to bind (anything but loopback needs SOCFIT_TOKEN)."),
    port: int = typer.Option(8000, "--port", min=1, max=65535),
    pack: Optional[Path] = PackOpt,
) -> None:
    """The web page and JSON API (OpenAPI at /docs)."""
    from socfit.web.app import run

    run(host=host, port=port, pack=pack)


@app.command("bench")
def bench_cmd(
    dev: Optional[Path] = typer.Option(None, "--dev", help="Folder of labelled CSVs (default: ../shared/dev)."),
    preds: Optional[Path] = typer.Option(None, "--predictions", help="Also write per-set JSONL predictions here."),
    pack: Optional[Path] = PackOpt,
) -> None:
    """Accuracy (dev sets, O*NET reported titles leave-one-out, fuzzy baseline) and speed, as Markdown."""
    from socfit import bench
    from socfit.api import get_pack
    from socfit.config import default_sources

    if dev is None:
        src = default_sources()
        dev = src.parent / "dev" if src else None
    out.print(bench.run(dev, get_pack(pack), preds), soft_wrap=True)


def _fail(msg: str, code: int = 2) -> None:
    """Errors are one plain line on stderr (no wrapping, no markup) so scripts and people can read them."""
    sys.stderr.write(f"error: {msg}\n")
    sys.exit(code)


def main() -> None:
    try:
        app()
    except CodeError as e:
        if e.suggestions:
            sys.stderr.write("nearest: " + "; ".join(f"{c} {t}" for c, t in e.suggestions) + "\n")
        _fail(str(e))
    except SocfitError as e:
        _fail(str(e))
    except KeyboardInterrupt:
        _fail("interrupted", 130)


if __name__ == "__main__":
    main()
