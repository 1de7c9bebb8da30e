/**
 * Loads tree-sitter (its runtime and the workspace's grammars) while the baseline tests run, so the first
 * round's context and validation do not pay for it: the WASM compile costs hundreds of milliseconds on a
 * busy machine, the baseline run takes seconds anyway.
 */
import type { LanguageId, SourceFiles, SyntaxParser } from './ports';

/** How many listed files are looked at to find the workspace's languages. */
const SAMPLE = 2000;

/** Parses an empty text in each language found among the workspace's files. Never throws. */
export async function warmUpSyntax(files: SourceFiles, syntax: SyntaxParser): Promise<void> {
  try {
    const languages = new Set<LanguageId>();
    for (const path of (await files.list()).slice(0, SAMPLE)) {
      const language = syntax.languageOf(path);
      if (language) languages.add(language);
    }
    for (const language of languages) await syntax.parse(language, '', () => undefined);
  } catch {
    // A grammar that fails to load shows up later with a proper message, where it is needed.
  }
}
