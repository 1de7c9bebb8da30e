/** `reflect fix` (placeholder until the loop lands). Returns the process exit code. */
export async function runFixCommand(argv: string[]): Promise<number> {
  void argv;
  process.stderr.write('reflect fix: not implemented yet\n');
  return 2;
}
