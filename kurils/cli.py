"""The `kurils` command: build the site, check the data, release and grade exercises."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

try:
    from kurils import course, data, documents, geography, i18n
    from kurils.build import bib, chapters, pdf, site, translations
    from kurils.grading import gradebook, masters, release, run, sandbox
    from kurils.grading import lms as lms_export
except ModuleNotFoundError as error:  # a student's install has the runtime only
    raise SystemExit(
        f"the kurils command needs the course's build and teaching tools, and {error.name} is missing: "
        "pip install 'kurils[build]' (in a clone of the course: make setup)"
    ) from None


def main(argv: list[str] | None = None) -> None:
    try:
        _main(argv)
    except course.CourseError as error:  # a setting that is missing or wrong: say which and why, no traceback
        raise SystemExit(str(error)) from None


def _main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="kurils", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("site", help="build the course site into _build/html")
    build.add_argument("--all", action="store_true", help="rebuild every page, not only the changed ones")
    printing = commands.add_parser(
        "pdf", help="print the whole course to _build/pdf/kurils-course.pdf (and -ja.pdf, -ru.pdf: each language)"
    )
    printing.add_argument(
        "--language", action="append", choices=list(i18n.LANGUAGES), help="only this language (may be repeated)"
    )
    serve = commands.add_parser("serve", help="serve the built site on 127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    commands.add_parser("validate", help="check every data file against its schema")
    check = commands.add_parser("check-chapter", help="check a chapter's anatomy, citations and dates")
    check.add_argument("chapter", type=Path)
    check.add_argument("--data", type=Path, default=data.DATA_DIR, help="data folder (default: data/)")
    check.add_argument("--allowlist", type=Path, default=chapters.ALLOWLIST, help="dates allowlist (YAML)")
    bibparser = commands.add_parser("bib", help="regenerate references.bib from data/sources.csv")
    bibparser.add_argument("--data", type=Path, default=data.DATA_DIR)
    bibparser.add_argument("--out", type=Path, default=bib.BIBFILE)
    commands.add_parser("documents", help="regenerate documents.md (the documents reader) from data/documents.csv")
    commands.add_parser("vendor", help="copy the scripts and styles the site serves into _vendor/")
    translating = commands.add_parser(
        "translations", help="update the Japanese and Russian catalogues from the English, or report on them"
    )
    translating.add_argument(
        "words", nargs="*", help="update | status | check [LANG] | todo LANG PAGE | fill LANG PAGE FILE"
    )
    commands.add_parser("execute", help="run the notebook pages into the build's execution cache, one per core")
    commands.add_parser("geography", help="rebuild data/geography/region.geojson from Natural Earth")
    releasing = commands.add_parser("release", help="write student notebooks (no solutions, no hidden tests)")
    releasing.add_argument(
        "--masters", type=Path, help="folder of instructor masters (default: the course's exercises/)"
    )
    releasing.add_argument("--chapter", help="one chapter only (e.g. 3 or ch03); default: every chapter")
    releasing.add_argument(
        "--language", default="en", choices=["en", "ja", "ru"], help="the notebooks' language (the checks are the same)"
    )
    releasing.add_argument("--out", type=Path, default=release.RELEASE, help="folder to hand out (default %(default)s)")
    releasing.add_argument(
        "--autograder", type=Path, default=release.AUTOGRADER, help="private folder for the autograder zips"
    )
    grade = commands.add_parser("grade", help="grade a folder of submitted notebooks into a gradebook CSV")
    grade.add_argument("submissions", type=Path, help="folder of .ipynb files, or of one folder per student")
    grade.add_argument("--masters", type=Path, help="folder of instructor masters (default: the course's exercises/)")
    grade.add_argument(
        "--chapter", help="grade only this chapter (e.g. 3 or ch03); other notebooks get a row saying so"
    )
    grade.add_argument("--out", type=Path, default=course.BUILD / "grades")
    grade.add_argument("--timeout", "--time-limit", type=int, default=run.TIME_LIMIT, help="seconds per submission")
    grade.add_argument("--jobs", type=int, default=None, help="notebooks graded at once (default: one per core)")
    grade.add_argument(
        "--no-sandbox",
        action="store_true",
        help="run student code without bubblewrap (only when the sandbox cannot run)",
    )
    defaults = sandbox.Limits()
    grade.add_argument(
        "--memory", type=int, default=defaults.memory_mb, help="MiB of memory per notebook's kernel (sandbox only)"
    )
    grade.add_argument(
        "--processes", type=int, default=defaults.processes, help="processes and threads per kernel (sandbox only)"
    )
    grade.add_argument("--cpu", type=int, default=defaults.cpu_seconds, help="CPU seconds per kernel (sandbox only)")
    grade.add_argument("--lms", help="also write the files canvas or moodle imports as they are, into OUT/lms/")
    lms = commands.add_parser("lms", help="write the files Canvas or Moodle imports, from an existing grading folder")
    lms.add_argument("lms", help="canvas or moodle")
    for parser_ in (grade, lms):
        parser_.add_argument("--roster", type=Path, help="the LMS's own export, to match students by name, id or email")
        parser_.add_argument("--assignment", help="the LMS assignment's name, e.g. 'Chapter 3 exercises (12345)'")
    lms.add_argument("out", type=Path, nargs="?", default=course.BUILD / "grades", help="the grading folder")
    gbench = commands.add_parser("bench-grading", help="time grading a class against plainly running its notebooks")
    gbench.add_argument("--students", type=int, default=40)
    gbench.add_argument("--chapter", default="1")
    marks = commands.add_parser("marks", help="merge the marks for written answers into the gradebook")
    marks.add_argument("out", type=Path, nargs="?", default=course.BUILD / "grades", help="the grading folder")
    bench = commands.add_parser("bench", help="time the build, weigh the pages against a stock Jupyter Book")
    bench.add_argument("--quick", action="store_true", help="a few pages only, as a smoke test")
    bench.add_argument("--out", type=Path, default=course.BUILD / "bench", help="folder for bench.json and bench.md")
    args = parser.parse_args(argv)

    if args.command == "site":
        start = time.perf_counter()
        html = site.build(all_pages=args.all)
        print(f"\nBuilt the course in {time.perf_counter() - start:.0f} s.")
        print(f"Open {html / 'index.html'} in a browser, or run `make serve` for http://127.0.0.1:8000/")
    elif args.command == "pdf":
        pdf.main(args.language)
    elif args.command == "serve":
        site.serve(args.port)
    elif args.command == "validate":
        for name, frame in data.validate_all().items():
            print(f"{name}: {len(frame)} rows, valid")
    elif args.command == "check-chapter":
        known = set(data.load("sources", args.data)["id"])
        problems = chapters.structure_problems(args.chapter)
        problems += [f"cites unknown source {key!r}" for key in sorted(chapters.cited(args.chapter) - known)]
        known_documents = set(data.load("documents", args.data)["id"])
        problems += [
            f"links unknown document {d!r} (no row in documents.csv)"
            for d in documents.links(args.chapter)
            if d not in known_documents
        ]
        allowed = chapters.allowlist(args.allowlist)
        problems += chapters.date_problems(args.chapter, data.load("events", args.data), allowed)
        print("\n".join(problems) or f"{args.chapter}: no problems found")
        raise SystemExit(1 if problems else 0)
    elif args.command == "bib":
        print(f"wrote {bib.write(args.out, args.data)}")
    elif args.command == "documents":
        print(f"wrote {documents.write()}")
    elif args.command == "translations":
        translations.main(args.words)
    elif args.command == "execute":
        settings = course.config().get("execute", {})
        site.execute(site.notebook_pages(), timeout=int(settings.get("timeout", 180)))
    elif args.command == "vendor":
        print(f"wrote {site.vendor()}")
    elif args.command == "geography":
        print(f"wrote {geography.write()}")
    elif args.command == "release":
        for name, path in release.release(
            args.masters or masters.default_masters(),
            args.out,
            args.autograder,
            args.chapter,
            language=args.language,
            work=release.WORK,
        ).items():
            print(f"{name}: {path}")
        print(f"Hand out {args.out} (notebooks, data, README, requirements.txt).")
        print(f"Keep {args.autograder} private: it holds the hidden tests.")
    elif args.command == "grade":
        isolated = not args.no_sandbox  # without isolation only when asked for
        masters_dir = args.masters or masters.default_masters()
        run.grade(
            args.submissions, masters_dir, args.out, args.timeout, args.chapter, args.jobs, isolated,
            args.lms, args.roster, args.assignment, sandbox.Limits(args.memory, args.processes, args.cpu),
        )  # fmt: skip
    elif args.command == "lms":
        lms_export.check_options(args.lms, args.roster)
        lms_export.export(args.out, args.lms, args.roster, args.assignment)
    elif args.command == "bench-grading":
        from kurils.grading import bench as grading_bench

        grading_bench.run(args.students, args.chapter)
    elif args.command == "marks":
        gradebook.merge(args.out)
        lms_export.export_again(args.out)  # the LMS files, when `kurils grade --lms` wrote some, follow the marks
    elif args.command == "bench":
        from kurils.build import bench as benchmark

        benchmark.run(args.out, args.quick)


if __name__ == "__main__":
    main()
