/** Process exit codes of the `pipeline` command. */
export const EXIT = {
  ok: 0,
  /** The run (or a doctor check) failed. */
  failed: 1,
  /** Bad input: flags, configuration or definitions. Nothing ran. */
  badInput: 2,
  /** Ctrl-C stopped the command (128 + SIGINT, what a shell reports for it). */
  interrupted: 130,
} as const;
