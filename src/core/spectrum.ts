/**
 * Spectrum-based suspicion (Ochiai) from the baseline run's coverage: a line run by every failing entry and by no
 * passing one scores 1, a line no failing entry ran scores 0. One score for both engines: the model's context and
 * the built-in engine's mutation order read it through `unitSuspicion`.
 *
 *   ochiai(line) = failed(line) / sqrt(totalFailed × (failed(line) + passed(line)))
 *
 * A file the coverage never saw is unknown (undefined), not innocent: some code is loaded in ways a coverage tool
 * cannot map back (an unmapped transform, a worker), and absence is no evidence there.
 */
import type { CoverageSpectrum } from './types';

export interface LineScores {
  /** What measured the coverage and how finely, for the trace and the panel ("V8 (NODE_V8_COVERAGE), per test file"). */
  readonly describe: string;
  /** Ochiai of a 1-based line: 0 when the file was measured and no failing entry ran the line; undefined when unknown. */
  at(file: string, line: number): number | undefined;
  /** Files some failing entry ran, with the lines it ran there (for code the call graph did not reach). */
  failingFiles(): string[];
  /** True when the coverage saw the file at all. */
  measured(file: string): boolean;
}

const computed = new WeakMap<CoverageSpectrum, LineScores | undefined>();

/** Ochiai scores of the spectrum's lines (computed once per spectrum); undefined when no entry failed. */
export function ochiaiScores(spectrum: CoverageSpectrum | undefined): LineScores | undefined {
  if (!spectrum) return undefined;
  if (!computed.has(spectrum)) computed.set(spectrum, scoresOf(spectrum));
  return computed.get(spectrum);
}

function scoresOf(spectrum: CoverageSpectrum): LineScores | undefined {
  const failing = spectrum.entries.filter((e) => e.failed);
  if (failing.length === 0) return undefined;
  // file → line → [failed entries that ran it, passed entries that ran it]
  const counts = new Map<string, Map<number, [number, number]>>();
  for (const entry of spectrum.entries) {
    for (const [file, lines] of Object.entries(entry.lines)) {
      let byLine = counts.get(file);
      if (!byLine) counts.set(file, (byLine = new Map()));
      for (const line of lines) {
        const c = byLine.get(line) ?? [0, 0];
        c[entry.failed ? 0 : 1]++;
        byLine.set(line, c);
      }
    }
  }
  const total = failing.length;
  const failingFiles = [...new Set(failing.flatMap((e) => Object.keys(e.lines).filter((f) => e.lines[f].length > 0)))];
  return {
    describe: `${spectrum.source}, ${GRAIN[spectrum.granularity]} (${spectrum.entries.length} entries, ${total} failing)`,
    at(file, line) {
      const byLine = counts.get(file);
      if (!byLine) return undefined;
      const c = byLine.get(line);
      if (!c || c[0] === 0) return 0;
      return c[0] / Math.sqrt(total * (c[0] + c[1]));
    },
    failingFiles: () => failingFiles,
    measured: (file) => counts.has(file),
  };
}

const GRAIN: Record<CoverageSpectrum['granularity'], string> = { test: 'per test', file: 'per test file', run: 'per run' };

/**
 * The suspicion of a unit spanning 1-based lines `first`…`last`: its most suspicious line, 0 when the file was
 * measured and no failing entry ran any of its lines, undefined when the file was not measured.
 */
export function unitSuspicion(scores: LineScores | undefined, file: string, first: number, last: number): number | undefined {
  if (!scores || !scores.measured(file)) return undefined;
  let best = 0;
  for (let line = first; line <= last; line++) best = Math.max(best, scores.at(file, line) ?? 0);
  return best;
}

/**
 * How much coverage changes a unit's weight, shared by both engines: units only failing tests ran keep their
 * weight, units every test ran lose some, units no failing test ran fall to a quarter; unknown is in between.
 */
export function coverageFactor(suspicion: number | undefined): number {
  return suspicion === undefined ? 0.75 : 0.25 + 0.75 * suspicion;
}
