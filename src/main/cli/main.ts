// Placeholder entry so the build has an input; the engine work replaces it with the real CLI.
process.stderr.write('breakglass: the command line is not built yet\n');
process.exitCode = 2;
