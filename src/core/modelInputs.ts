/**
 * What the model proposer reads and how its replies become changes: the code context for the failing tests and
 * the parse-and-apply of SEARCH/REPLACE (or whole-function) edits against the files as they are now.
 */
import { buildContext } from './context';
import { applyModelEdits, parseModelEdits } from './editFormats';
import type { ModelContext, ParsedEdits } from './modelProposer';
import type { CritiqueRequest, ProposalRequest, SyntaxParser } from './ports';
import { ochiaiScores } from './spectrum';
import { truncateToTokens } from './tokens';

/** Token budget of the code context in an actor prompt. */
export const CONTEXT_TOKENS = 6000;

/**
 * The code the actor sees: tree-sitter slices (the failing test's block, the functions on its failing frames or the
 * functions it calls, their callees' signatures) within the token budget. Falls back to whole files when the
 * slicer finds nothing (e.g. a language without a grammar).
 */
export async function buildModelContext(request: ProposalRequest): Promise<ModelContext> {
  try {
    const built = await buildContext({
      failures: request.failures, files: request.files, syntax: request.syntax, tokenBudget: request.contextTokens ?? CONTEXT_TOKENS, isTestFile: (p) => request.isTestFile(p),
      coverage: ochiaiScores(request.baseline.coverage),
    });
    // The slicer quotes every failure's evidence first (message, expected/actual, stack).
    if (built.text.trim()) return { text: built.text, hasEvidence: true };
  } catch (error) {
    request.emit({ type: 'log', level: 'warn', message: `code context fell back to whole files: ${(error as Error).message}` });
  }
  return { text: await wholeFileContext(request), hasEvidence: false };
}

/** The failing tests' files and the workspace files on their failure frames (frame files first), within budget. */
export async function wholeFileContext(request: ProposalRequest): Promise<string> {
  const sources = new Set<string>();
  const tests = new Set<string>();
  for (const t of request.failures) {
    tests.add(t.file);
    for (const f of t.failure?.frames ?? []) if (!request.isTestFile(f.file)) sources.add(f.file);
  }
  if (sources.size === 0) for (const p of await importedSources(request, [...tests])) sources.add(p);
  const parts: string[] = [];
  let budget = request.contextTokens ?? CONTEXT_TOKENS;
  for (const file of [...sources, ...tests]) {
    const text = await request.files.read(file);
    if (text === undefined || budget <= 0) continue;
    const block = `${file}\n\`\`\`\n${truncateToTokens(text, Math.min(budget, 3000))}\n\`\`\``;
    budget -= Math.ceil(block.length / 4);
    parts.push(block);
  }
  return parts.join('\n\n');
}

/** Workspace files a test file imports with a relative path (when the failure has no frames in source files). */
async function importedSources(request: ProposalRequest, testFiles: string[]): Promise<string[]> {
  const all = new Set(await request.files.list());
  const found: string[] = [];
  for (const testFile of testFiles) {
    const text = (await request.files.read(testFile)) ?? '';
    const dir = testFile.split('/').slice(0, -1);
    for (const m of text.matchAll(/(?:require\(|from\s+|import\s+)['"](\.{1,2}\/[^'"]+)['"]/g)) {
      const joined = normalize([...dir, ...m[1].split('/')]);
      for (const candidate of [joined, `${joined}.js`, `${joined}.ts`, `${joined}.mjs`, `${joined}/index.js`]) {
        if (all.has(candidate) && !request.isTestFile(candidate)) {
          found.push(candidate);
          break;
        }
      }
    }
  }
  return found;
}

function normalize(parts: string[]): string {
  const out: string[] = [];
  for (const p of parts) {
    if (p === '..') out.pop();
    else if (p !== '.' && p !== '') out.push(p);
  }
  return out.join('/');
}

/** Token budget of the code context in a critic prompt (smaller: the critic explains, it does not edit). */
export const CRITIC_CONTEXT_TOKENS = 3000;

/** The closest candidate's failures with the code under test (before any change), for the critic. */
export function criticContext(syntax: SyntaxParser, isTestFile: (path: string) => boolean): (request: CritiqueRequest) => Promise<string> {
  return async (request) => {
    if (request.failures.length === 0) return '';
    const built = await buildContext({ failures: request.failures, files: request.files, syntax, tokenBudget: CRITIC_CONTEXT_TOKENS, isTestFile });
    return built.text;
  };
}

/** Parses the reply's edits and applies them to the current files; any problem is a reason to reject. */
export async function parseReplyEdits(reply: string, request: ProposalRequest): Promise<ParsedEdits> {
  const { edits, problems } = parseModelEdits(reply);
  if (edits.length === 0) {
    return { changes: [], error: problems.length ? problems.join('; ') : 'the reply contains no SEARCH/REPLACE block and no code block to apply' };
  }
  const { changes, errors } = await applyModelEdits(edits, request.files, request.syntax);
  const all = [...problems, ...errors];
  return all.length ? { changes, error: all.join('; ') } : { changes };
}
