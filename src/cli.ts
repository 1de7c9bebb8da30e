/** The `reflect` command line (placeholder until the CLI lands). */
process.stdout.write('reflect: not yet\n');
