"""The ``lmt`` command line (``lmt.cli``); the service lives in tracker/, analytics/, api/."""
