"""``python -m gradcli``, and the ``gradcli`` console script.

The entry point imports nothing itself, so a Ctrl-C that arrives while the
command's modules are still loading ends as quietly as one that arrives later.
"""

import sys


def main() -> None:
    try:
        from gradcli.cli import run

        run()
    except KeyboardInterrupt:
        sys.stderr.write("error: interrupted\n")
        sys.exit(130)


if __name__ == "__main__":
    main()
