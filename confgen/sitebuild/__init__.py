"""Site build: the real ``mkdocs build`` of each language, run in its own process, and the finished
sites put in place of the last ones."""
