"""The ``cors-lab`` command: ``cors-lab doctor URL --origin ORIGIN ...`` probes a running API as a browser would.

    $ cors-lab doctor http://localhost:3000/api/items/1 --origin http://localhost:5173 --method PUT \\
          --header 'Content-Type: application/json' --credentials --framework express
    $ python -m cors_lab doctor http://localhost:3000/api/data --origin http://localhost:5173 --json

It prints the verdict, the console sentence the browser would write, the step that failed, the smallest fix (and,
with ``--framework``, that framework's configuration), what it sent, and ``curl`` commands that replay the
preflight and the request by hand (`cors_lab.probe` does the work). Safe by default: the preflight and
GET/HEAD/OPTIONS only; ``--send`` to send another method. Exit status: 0 allowed, 1 blocked, 2 bad input, no
answer, or nothing checked, so a CI step can run it. ``cors-lab doctor --sentence "Access to fetch at ..."`` reads
a pasted console sentence instead (`cors_lab.diagnose`).
"""
from __future__ import annotations

import argparse
import json
import sys

from cors_lab.errors import CorsLabError

EPILOG = """exit status: 0 the browser would allow it (for a request not sent: its preflight allows it), 1 it would
block it, 2 bad input, no answer from the server, or nothing to check without --send.

examples:
  cors-lab doctor http://localhost:3000/api/data --origin http://localhost:5173
  cors-lab doctor http://localhost:8000/items/1 --origin http://localhost:5173 --method PUT \\
      --header 'Content-Type: application/json' --credentials --framework fastapi
  cors-lab doctor --sentence "Access to fetch at 'http://localhost:3000/api' from origin ..."
"""


def _parser() -> argparse.ArgumentParser:
    from cors_lab.frameworks import ALIASES, FRAMEWORKS

    parser = argparse.ArgumentParser(prog="cors-lab", description="cors_lab's command line: probe your own API "
                                     "as a browser would.")
    commands = parser.add_subparsers(dest="command", metavar="doctor")
    doctor = commands.add_parser("doctor", help="probe URL as a page at --origin calling it would",
                                 description="Probe a running API exactly as a browser would: the preflight when "
                                 "one is needed, then the request; print the verdict, the console sentence, the "
                                 "failed step, the fix and curl commands.", epilog=EPILOG,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    doctor.add_argument("url", nargs="?", help="the API's URL, e.g. http://localhost:3000/api/data")
    doctor.add_argument("--origin", help="the page's origin, e.g. http://localhost:5173 (where your frontend runs)")
    doctor.add_argument("--method", "-X", default="GET", help="the request's method (default GET)")
    doctor.add_argument("--header", "-H", action="append", default=[], metavar="'Name: value'",
                        help="a header the script sets (repeat for several)")
    doctor.add_argument("--data", "-d", default=None, help="the request's body (sent only with --send)")
    doctor.add_argument("--credentials", action="store_true",
                        help="the script sends cookies (credentials: 'include', withCredentials: true)")
    doctor.add_argument("--browser", choices=("chromium", "firefox"), default="chromium",
                        help="whose rules and sentences (default chromium)")
    doctor.add_argument("--xhr", action="store_true", help="the script uses XMLHttpRequest (as axios does)")
    doctor.add_argument("--send", action="store_true",
                        help="also send a request whose method is not GET/HEAD/OPTIONS (it may change data)")
    doctor.add_argument("--real", action="store_true", help="confirm in the real browser (headless)")
    doctor.add_argument("--framework", choices=sorted([*FRAMEWORKS, *ALIASES]), default=None,
                        help="when blocked, print that framework's configuration that allows the request")
    doctor.add_argument("--timeout", type=float, default=10.0, help="seconds to wait for the server (default 10)")
    doctor.add_argument("--json", action="store_true", help="print the report as JSON")
    doctor.add_argument("--sentence", default=None,
                        help="instead of probing, diagnose a console sentence or a script's error you copied")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command; returns its exit status (0 allowed, 1 blocked, 2 bad input or no answer)."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command != "doctor":
        parser.print_help()
        return 2
    try:
        if args.sentence is not None:
            return _diagnose(args)
        if not args.url or not args.origin:
            raise CorsLabError("give the API's URL and the page's --origin, e.g. cors-lab doctor "
                               "http://localhost:3000/api/data --origin http://localhost:5173")
        from cors_lab.probe import probe

        report = probe(args.url, origin=args.origin, method=args.method, headers=args.header,
                       credentials=args.credentials, browser=args.browser, api="xhr" if args.xhr else "fetch",
                       body=args.data, send=args.send, real=args.real, timeout=args.timeout)
    except CorsLabError as exc:  # a learner's mistake, or a browser that cannot start: one sentence
        print(f"cors-lab doctor: {exc}", file=sys.stderr)
        return 2
    if args.json:
        data = report.as_dict()
        if args.framework and report.verdict == "blocked":
            try:
                data["framework"] = {"name": args.framework, "config": str(report.fix_in(args.framework))}
            except CorsLabError as exc:
                data["framework"] = {"name": args.framework, "error": str(exc)}
        print(json.dumps(data, indent=2))
    else:
        print(report.text(framework=args.framework))
    return report.exit_code


def _diagnose(args) -> int:
    from cors_lab.doctor import diagnose

    diagnosis = diagnose(args.sentence, origin=args.origin)
    if args.json:
        print(json.dumps({"recognised": diagnosis.recognised, "kind": diagnosis.kind, "browser": diagnosis.browser,
                          "api": diagnosis.api, "header": diagnosis.header, "fix": diagnosis.fix,
                          "meaning": diagnosis.meaning, "mdn": diagnosis.mdn_url}, indent=2))
    else:
        print(diagnosis)
    return 1 if diagnosis.recognised else 2


if __name__ == "__main__":
    sys.exit(main())
