"""Command line: `python -m faq match` (JSON line per stdin query), `python -m faq eval`, and
`python -m faq export|import` to turn a FAQ into JSON, CSV or Excel and back (faq/files.py).

`--faq FILE` takes any of those formats, including the file `GET /api/faq` answers."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from faq.entries import FaqEntry, FaqFileError, load_default_faq
from faq.evaluation import evaluate, load_queries
from faq.files import FORMATS, format_of, load_faq_file, records_from_entries, write_faq
from faq.index import FaqIndex
from faq.synonyms import load_synonyms


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m faq", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    faq_help = "FAQ file: .json, .csv or .xlsx (default: the packaged FAQ)"
    for name, help_text in (
        ("export", "write the FAQ as JSON, CSV or Excel"),
        ("import", "read a FAQ file of any format, check every row, write it as JSON"),
    ):
        command = commands.add_parser(name, help=help_text)
        if name == "export":
            command.add_argument("--faq", metavar="FILE", help=faq_help)
            command.add_argument("--format", choices=FORMATS, help="default: from --output")
        else:
            command.add_argument("file", metavar="FILE", help=".json, .csv or .xlsx")
        command.add_argument("-o", "--output", metavar="OUT", help="default: standard output")
    for name, help_text in (
        ("match", "read one query per line on stdin, write one JSON line per query"),
        ("eval", "score a labelled query file (gold_id<TAB>query, '-' for out of scope)"),
    ):
        command = commands.add_parser(name, help=help_text)
        command.add_argument("--faq", metavar="FILE", help=faq_help)
        command.add_argument(
            "--synonyms", metavar="FILE", help="extra synonym map (canonical<TAB>variants)"
        )
        if name == "match":
            command.add_argument("-k", type=int, default=3, help="matches per query (3)")
        else:
            command.add_argument("--queries", metavar="TSV", required=True)
            command.add_argument(
                "--confusions", action="store_true", help="also list every mistake"
            )
    return parser


def _load_index(faq_path: str | None, synonyms_path: str | None) -> FaqIndex:
    entries: list[FaqEntry] = load_faq_file(faq_path) if faq_path else load_default_faq()
    synonyms = load_synonyms(synonyms_path) if synonyms_path else None
    return FaqIndex.build(entries, synonyms)


def _run_match(index: FaqIndex, k: int) -> None:
    for line in sys.stdin:
        query = line.rstrip("\r\n")
        result = index.match(query, k)
        record = {
            "query": query,
            "matches": [{"id": m.id, "score": m.score} for m in result.matches],
            "confident": result.confident,
        }
        sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
        sys.stdout.flush()


def _run_eval(index: FaqIndex, queries_path: str, show_confusions: bool) -> None:
    report = evaluate(index, load_queries(queries_path))
    print("\n".join(report.summary_lines()))
    lines = report.confusion_lines()
    if lines:
        print("\nconfusions (gold -> predicted):")
        pairs = [line for line in lines if not line.startswith("     ")]
        print("\n".join(lines if show_confusions else pairs))


def _run_convert(args: argparse.Namespace) -> None:
    """export: the FAQ (or --faq) in --format; import: FILE checked and written as JSON."""
    source = args.faq if args.command == "export" else args.file
    entries = load_faq_file(source) if source else load_default_faq()
    fmt = "json"
    if args.command == "export":
        fmt = args.format or (format_of(args.output) if args.output else "json")
    data = write_faq(records_from_entries(entries), fmt)
    if args.output:
        Path(args.output).write_bytes(data)
        print(f"{len(entries)} entries written to {args.output}", file=sys.stderr)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command in ("export", "import"):
            _run_convert(args)
            return 0
        index = _load_index(args.faq, args.synonyms)
        if args.command == "match":
            _run_match(index, args.k)
        else:
            _run_eval(index, args.queries, args.confusions)
    except FaqFileError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # `python -m faq match | head`: the reader left; not an error worth a traceback.
        sys.stderr.close()
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
