/** The repair benchmark (placeholder until the benchmark lands). */
process.stdout.write('bench: not yet\n');
