"""The command-line face of readinglist."""
