"""Entry point for ``python -m readinglist``."""

from readinglist.cli.main import main

if __name__ == "__main__":
    main()
