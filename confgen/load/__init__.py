"""Load: ``conference.yaml`` read with its line numbers (``loader``), checked against the rules
no schema can state (``validate``), and opened with its plugins and templates as a ``Project``."""
