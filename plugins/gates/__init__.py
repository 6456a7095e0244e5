"""Built-in quality gates: each module is one plugin adding one gate through ``confgen_gates``."""
