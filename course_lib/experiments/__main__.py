"""``python -m course_lib.experiments NAME [--quick] [--out DIR]``: remake one study's results.

``--list`` lists the studies. The results JSON and the study's weights are written into ``--out``
(default ``data/`` of the checkout); ``--quick`` runs the study's quick settings (seconds).
"""

import argparse
import sys

from .study import STUDIES, module, restamp, run


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course_lib.experiments", description=__doc__.split("\n")[0])
    parser.add_argument("name", nargs="?", choices=sorted(STUDIES), metavar="NAME",
                        help=f"the study: {', '.join(sorted(STUDIES))}")
    parser.add_argument("--quick", action="store_true", help="a run of seconds on a sliver of the data")
    parser.add_argument("--out", default=None, help="folder for the results and weights (default data/)")
    parser.add_argument("--list", action="store_true", help="list the studies and exit")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress")
    parser.add_argument("--restamp", metavar="WHY", default=None,
                        help="do not run: record that the saved results still hold for the current code, and why "
                             "(for a change that computes the same numbers; the old code hash stays in the record)")
    args = parser.parse_args(argv)
    if args.list or args.name is None:
        for name in sorted(STUDIES):
            mod = module(name)
            print(f"{name:20s} {getattr(mod, 'CHAPTER', ''):28s} {getattr(mod, 'TITLE', '')}")
        return 0
    if args.restamp is not None:
        print(restamp(args.name, args.restamp, out_dir=args.out))
        return 0
    print(run(args.name, out_dir=args.out, quick=args.quick, progress=not args.quiet))
    return 0


if __name__ == "__main__":
    sys.exit(main())
