/**
 * A small, line-at-a-time highlighter for the code inside diffs (JavaScript/TypeScript and Python): comments,
 * strings, numbers and keywords. It never produces markup, only (kind, text) pairs the view turns into text nodes.
 * A diff shows fragments of files, so a line-local scan is the honest choice: no state crosses lines, and a block
 * comment or string that spans lines is simply left uncoloured after its first line.
 */

export type SyntaxLanguage = 'js' | 'py' | 'plain';
export type TokenKind = 'comment' | 'string' | 'number' | 'keyword';
/** A piece of a line: its kind ('' for plain text) and its text. */
export type Token = [TokenKind | '', string];

const JS_KEYWORDS = new Set(
  ('break case catch class const continue debugger default delete do else export extends false finally for function if ' +
    'import in instanceof let new null return super switch this throw true try typeof undefined var void while with yield ' +
    'async await from of static get set interface type enum implements private protected public readonly as').split(' '),
);
const PY_KEYWORDS = new Set(
  ('False None True and as assert async await break class continue def del elif else except finally for from global if ' +
    'import in is lambda nonlocal not or pass raise return try while with yield self').split(' '),
);

const JS_TOKEN = /(\/\/.*$|\/\*.*?(?:\*\/|$))|("(?:[^"\\]|\\.)*"?|'(?:[^'\\]|\\.)*'?|`(?:[^`\\]|\\.)*`?)|(\b\d[\d_]*(?:\.\d+)?(?:e[+-]?\d+)?n?\b|\b0x[\da-f]+\b)|([A-Za-z_$][\w$]*)/gi;
const PY_TOKEN = /(#.*$)|([rbuf]{0,2}"(?:[^"\\]|\\.)*"?|[rbuf]{0,2}'(?:[^'\\]|\\.)*'?)|(\b\d[\d_]*(?:\.\d+)?(?:e[+-]?\d+)?j?\b|\b0x[\da-f]+\b)|([A-Za-z_]\w*)/gi;

/** The language of a workspace path, by its extension. */
export function languageOf(path: string): SyntaxLanguage {
  if (/\.(m|c)?(j|t)sx?$/i.test(path)) return 'js';
  if (/\.pyi?$/i.test(path)) return 'py';
  return 'plain';
}

/** Splits one line of code into tokens; joining their texts gives the line back exactly. */
export function tokenize(line: string, lang: SyntaxLanguage): Token[] {
  if (lang === 'plain' || line === '') return line === '' ? [] : [['', line]];
  const pattern = lang === 'js' ? JS_TOKEN : PY_TOKEN;
  const keywords = lang === 'js' ? JS_KEYWORDS : PY_KEYWORDS;
  const out: Token[] = [];
  let plain = '';
  let at = 0;
  pattern.lastIndex = 0;
  for (let m = pattern.exec(line); m; m = pattern.exec(line)) {
    const [text, comment, str, num, word] = m;
    const kind: TokenKind | '' = comment ? 'comment' : str ? 'string' : num ? 'number' : word && keywords.has(word) ? 'keyword' : '';
    plain += line.slice(at, m.index);
    at = m.index + text.length;
    if (kind === '') {
      plain += text;
      continue;
    }
    if (plain) out.push(['', plain]);
    plain = '';
    out.push([kind, text]);
  }
  plain += line.slice(at);
  if (plain) out.push(['', plain]);
  return out;
}
