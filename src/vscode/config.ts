import * as vscode from 'vscode';
import { DEFAULT_LOOP_OPTIONS, LoopOptions } from '../core/types';

/** Which engine the settings ask for (before keys and editor models are resolved). */
export type ProviderSetting =
  | { kind: 'builtin' }
  | { kind: 'openai'; baseURL: string; model: string; criticModel?: string; requestTimeoutMs: number; hybrid: boolean }
  | { kind: 'lm'; vendor: string; family?: string; hybrid: boolean };

/** The typed view of every `reflect.*` setting, for one workspace folder. */
export interface ReflectSettings {
  provider: ProviderSetting;
  /** Undefined: detect the framework. */
  testCommand?: string;
  options: LoopOptions;
}

/** Reads the settings of `folder` (resource scope), clamping numbers to the ranges the schema declares. */
export function readSettings(folder?: vscode.Uri): ReflectSettings {
  const c = vscode.workspace.getConfiguration('reflect', folder);
  const int = (key: string, fallback: number, min: number, max: number) => {
    const v = Number(c.get<number>(key, fallback));
    return Number.isFinite(v) ? Math.min(max, Math.max(min, Math.round(v))) : fallback;
  };
  const text = (key: string) => (c.get<string>(key, '') ?? '').trim() || undefined;
  const hybrid = c.get<boolean>('hybrid', false) === true;
  const kind = c.get<string>('provider', 'builtin');
  let provider: ProviderSetting;
  if (kind === 'openai') {
    provider = {
      kind: 'openai',
      baseURL: text('openai.baseUrl') ?? 'https://api.openai.com/v1',
      model: text('openai.model') ?? 'gpt-4o-mini',
      criticModel: text('openai.criticModel'),
      requestTimeoutMs: int('openai.requestTimeoutSeconds', 120, 1, 3600) * 1000,
      hybrid,
    };
  } else if (kind === 'lm') {
    provider = { kind: 'lm', vendor: text('lm.vendor') ?? 'copilot', family: text('lm.family'), hybrid };
  } else {
    provider = { kind: 'builtin' };
  }
  const options: LoopOptions = {
    ...DEFAULT_LOOP_OPTIONS,
    rounds: int('rounds', DEFAULT_LOOP_OPTIONS.rounds, 1, 10),
    candidates: int('candidates', DEFAULT_LOOP_OPTIONS.candidates, 1, 8),
    testTimeoutMs: int('testTimeoutSeconds', DEFAULT_LOOP_OPTIONS.testTimeoutMs / 1000, 1, 86_400) * 1000,
    candidateTimeoutFactor: int('candidateTimeoutFactor', DEFAULT_LOOP_OPTIONS.candidateTimeoutFactor, 0, 100),
    allowTestEdits: c.get<boolean>('allowTestEdits', false) === true,
    coverage: c.get<boolean>('coverage', true) !== false,
    maxTokens: int('maxTokens', 0, 0, Number.MAX_SAFE_INTEGER),
    maxDurationMs: int('maxDurationSeconds', 0, 0, 86_400) * 1000,
  };
  return { provider, testCommand: text('testCommand'), options };
}
