"""What the commands beyond ``build`` do: the live preview, publishing, a new project, importing
another system's schedule. The CLI (``confgen.cli``) stays a thin layer over these."""
