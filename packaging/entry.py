"""PyInstaller's entry script: the bundled ``readinglist`` is the same command line as pip's."""

from readinglist.cli.main import main

if __name__ == "__main__":
    main()
