"""Everything analytics puts on disk: files (``files``) and pictures (``plots``).

The computations in ``analytics`` are pure: tables and graphs in, tables and graphs out.
Writing them down is done here, apart, so that what serves answers (``api``) never loads
a file writer's or a plotting library's code: matplotlib is imported by ``plots`` alone, and
only ``lmt`` commands import this package. CSV tables are written by the format's one CSV
writer, ``tracker.csvio.write_table`` (the format's cell rendering for every table).
"""
