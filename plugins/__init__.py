"""confgen's built-in plugins, loaded through the same ``confgen`` entry-point group as any other."""
