/**
 * Renders one candidate: its summary, verdict, coloured diff and Review button.
 * DOM contract (UI tests rely on it): `data-testid="candidate"`, `data-status`, `data-candidate-id`,
 * `data-best="true"` on the best; the Review button carries `data-action="review"` and `data-candidate-id`, the Compare… button `data-action="compare"`.
 */
import type { BaselineView, CandidateView } from '../panel/protocol';
import { append, h } from './dom';
import { candidateStatusLabel, diffLineKind, verdictLines } from './format';
import type { SyntaxLanguage } from './syntax';
import { languageOf, tokenize } from './syntax';

/** Statuses whose diff was tested, so it is worth reviewing and open by default. */
const REVIEWABLE = new Set(['failed', 'improved', 'passed-targets', 'verified']);
const PROMISING = new Set(['improved', 'passed-targets', 'verified']);

/** The coloured lines of a unified diff, one span per line, code tokens coloured by the file's language (text only). */
export function renderDiff(diff: string, truncated: boolean | undefined): HTMLElement {
  const code = h('code');
  const lines = diff.endsWith('\n') ? diff.slice(0, -1).split('\n') : diff.split('\n');
  let lang: SyntaxLanguage = 'plain';
  for (const line of lines) {
    const kind = diffLineKind(line);
    if (kind === 'file') lang = languageOf(line.slice(4).replace(/^[ab]\//, '').replace(/\t.*$/, ''));
    const el = h('span', { class: `line ${kind}` });
    if (kind === 'add' || kind === 'del' || kind === 'context') {
      append(el, [line.slice(0, 1)]);
      for (const [tok, text] of tokenize(line.slice(1), lang)) append(el, [tok ? h('span', { class: `tok-${tok}` }, text) : text]);
      append(el, ['\n']);
    } else append(el, [line, '\n']);
    code.appendChild(el);
  }
  if (truncated) code.appendChild(h('span', { class: 'line meta' }, '… diff cut here: export the trace for the whole of it\n'));
  return h('pre', { class: 'diff', tabindex: 0, 'aria-label': 'Unified diff' }, code);
}

/** Marks or unmarks a rendered candidate as the best. */
export function setBestMark(el: HTMLElement, best: boolean): void {
  if (best) el.setAttribute('data-best', 'true');
  else el.removeAttribute('data-best');
  const badge = el.querySelector<HTMLElement>('.best-badge');
  if (badge) badge.hidden = !best;
}

/**
 * Builds the element of a candidate. `wasOpen` keeps the diff's open/closed state when the candidate is re-rendered
 * after its test results arrive.
 */
export function renderCandidate(c: CandidateView, opts: { best: boolean; baseline?: BaselineView; wasOpen?: boolean; runEnded?: boolean }): HTMLElement {
  const headingId = `cand-${c.id.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  const el = h(
    'article',
    {
      class: `candidate status-${c.status}`,
      'data-testid': 'candidate',
      'data-status': c.status,
      'data-candidate-id': c.id,
      'aria-labelledby': headingId,
    },
    h(
      'header',
      { class: 'candidate-header' },
      h('h3', { id: headingId }, `Candidate ${c.round}.${c.index + 1}`),
      h('span', { class: `badge status-${c.status}` }, candidateStatusLabel(c.status, opts.runEnded)),
      h('span', { class: 'badge best-badge', hidden: !opts.best }, '★ Best'),
      h('span', { class: 'source' }, c.source),
    ),
    h('p', { class: 'summary' }, c.summary),
    c.rationale !== undefined && h('p', { class: 'rationale' }, h('span', { class: 'label' }, 'Why: '), c.rationale),
    !!c.asked?.length && h('p', { class: 'asked' }, h('span', { class: 'label' }, 'Asked for: '), c.asked.join('; ')),
    h('ul', { class: 'verdict', 'aria-label': 'Verdict' }, ...verdictLines(c, opts.baseline, opts.runEnded).map((l) => h('li', {}, l))),
  );
  if (c.diff) {
    const open = opts.wasOpen ?? PROMISING.has(c.status);
    const files = c.files.length ? c.files.join(', ') : 'changes';
    const details = h('details', { class: 'diff-block', open }, h('summary', {}, `Diff: ${files}`));
    // A closed diff is built when first opened: long traces hold many diffs nobody has looked at.
    if (open) details.appendChild(renderDiff(c.diff, c.diffTruncated));
    else {
      const build = () => {
        if (!details.open) return;
        details.removeEventListener('toggle', build);
        details.appendChild(renderDiff(c.diff, c.diffTruncated));
      };
      details.addEventListener('toggle', build);
    }
    if (opts.wasOpen !== undefined) details.dataset.toggled = 'true';
    el.appendChild(details);
  }
  if (REVIEWABLE.has(c.status) && c.diff) {
    el.appendChild(
      h(
        'div',
        { class: 'candidate-actions' },
        h(
          'button',
          { type: 'button', 'data-action': 'review', 'data-candidate-id': c.id, 'aria-label': `Review candidate ${c.round}.${c.index + 1} inline` },
          'Review',
        ),
        h(
          'button',
          { type: 'button', class: 'secondary', 'data-action': 'compare', 'data-candidate-id': c.id, 'aria-label': `Compare candidate ${c.round}.${c.index + 1} with another candidate` },
          'Compare…',
        ),
      ),
    );
  }
  setBestMark(el, opts.best);
  return el;
}
