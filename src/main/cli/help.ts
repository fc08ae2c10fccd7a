/** `breakglass --help` */
export const HELP = `breakglass — guided, checked, reversible recovery runs

Usage: breakglass [--data-dir DIR] <command> [options]

Commands:
  procedures [--json]                          list procedures and their inputs
  plan <procedure> --input FILE [--sandbox] [--json]
                                               dry run: print the plan, change nothing
  run <procedure> --input FILE [--sandbox] [--yes] [--done STEP]... [--on-failure stop|rollback] [--json]
                                               run it: checks, confirmations, steps, verification
  resume <run-id> [--input FILE] [--yes] [--done STEP]... [--on-failure stop|rollback] [--json]
                                               continue a stopped or interrupted run
  rollback <run-id> [--input FILE] [--yes] [--json]
                                               undo what a stopped run changed (lists it first)
  runs [--json]                                list runs with their state (NEEDS ATTENTION when a
                                               stopped run left e.g. AD off or a service down)
  report <run-id> --format md|html|json [--out FILE]
                                               the run's report (also for a stopped run)
  sandbox reset <system>                       reseed a system's practice sandbox
  hash ...                                     password hashes offline (breakglass hash --help)
  discover ...                                 what is installed here (breakglass discover --help)
  serve [--port N]                             the wizard in a browser, on 127.0.0.1

Input files are JSON or YAML. Secret fields hold references, never values:
  {"env": "NAME"}   {"file": "path"}   {"stdin": true}   (or leave out: asked without echo)
Secrets on the command line are refused.

--yes confirms the change and outage gates, never a failed check. A manual step needs a
terminal or --done STEP (after you did it); otherwise the run stops, awaiting, and resumes later.
A manual step is checked only where the plan says what Breakglass checks; otherwise the journal
records it as confirmed by you, not checked.

Exit codes: 0 ok, 1 unexpected error, 2 bad input or refused, 3 a check failed (nothing changed),
4 a step failed or the run stopped before the end (resume it), 5 rolled back.
Data: --data-dir, else BREAKGLASS_DATA_DIR, else the per-user data folder.
`;
