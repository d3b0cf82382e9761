"""The Qt face of readinglist: the only package that imports QtWidgets."""
