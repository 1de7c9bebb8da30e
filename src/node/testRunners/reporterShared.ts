/**
 * Helpers shared by the framework adapters: writing our reporter modules into the run's temp dir, the Node
 * executable to start, regex escaping for name filters, and reading the events file.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { TestSelector } from '../../core/types';
import { parseEvents, ReporterEvent } from './reporterEvents';
import type { RunContext } from './runWithAdapter';

/**
 * JavaScript pasted into every reporter module: a synchronous line writer (an endless test blocks the event
 * loop right after a test starts, so nothing asynchronous would ever reach the file) and a value formatter.
 */
export const REPORTER_PRELUDE = `
const fs = require('fs');
const util = require('util');
const out = process.env.REFLECT_EVENTS_FILE;
function emit(event) { if (out) fs.appendFileSync(out, JSON.stringify(event) + '\\n'); }
function show(v) {
  if (v === undefined) return undefined;
  return typeof v === 'string' ? JSON.stringify(v) : util.inspect(v, { depth: 6, breakLength: Infinity });
}
`;

/** Writes a reporter module into the temp dir and returns its absolute path. */
export function writeReporter(ctx: RunContext, fileName: string, source: string): string {
  const file = path.join(ctx.tmpDir, fileName);
  fs.writeFileSync(file, source);
  return file;
}

/** Reads what our reporter wrote (nothing if it never started). */
export function readEvents(ctx: RunContext): ReporterEvent[] {
  try {
    return parseEvents(fs.readFileSync(ctx.eventsFile, 'utf8'));
  } catch {
    return [];
  }
}

/**
 * The Node executable for framework CLIs: this one, unless we run inside Electron (the VS Code extension host),
 * where `node` from PATH is the user's Node.
 */
export function nodeExecutable(): string {
  return process.versions.electron ? 'node' : process.execPath;
}

/** Escapes a string for use inside a regular expression. */
export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Distinct files of a selection, in order. */
export function selectedFiles(only: TestSelector[] | undefined): string[] {
  return [...new Set((only ?? []).map((s) => s.file))];
}

/**
 * Full names to filter by, or undefined when a name filter cannot be used (no names, or some selectors are
 * whole files: then the files run whole and the report is narrowed afterwards).
 */
export function selectedNames(only: TestSelector[] | undefined): string[] | undefined {
  if (!only || only.length === 0 || only.some((s) => !s.name)) return undefined;
  return [...new Set(only.map((s) => s.name as string))];
}

/** Quotes a command-line argument for display (the process itself gets the argument verbatim). */
export function displayCommand(parts: string[]): string {
  return parts.map((p) => (/^[\w@%+=:,./-]+$/.test(p) ? p : `'${p.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** Makes a path relative to the run's root for display. */
export function shortPath(ctx: RunContext, file: string): string {
  const rel = path.relative(ctx.root, file);
  return rel.startsWith('..') ? file : rel;
}
