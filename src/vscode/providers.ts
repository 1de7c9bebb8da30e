import * as vscode from 'vscode';
import { withoutUrlCredentials } from '../core/outputSafety';
import type { ModelProviderConfig, ProviderConfig } from '../node/engine';
import type { ProviderSetting } from './config';
import { selectLmChatModel } from './lmChatModel';
import { readApiKey } from './secrets';

/** The engine's provider, resolved from settings, and a label for logs (never containing a key). */
export interface ResolvedProvider {
  config: ProviderConfig;
  label: string;
}

/** An error whose message a person can act on (shown as is). */
export class ProviderSetupError extends Error {}

/**
 * Resolves keys (SecretStorage, then REFLECT_API_KEY / OPENAI_API_KEY) and editor models. A missing key is only
 * an error for api.openai.com: local servers (Ollama, vLLM, LM Studio) take none.
 */
export async function resolveProvider(setting: ProviderSetting, secrets: vscode.SecretStorage): Promise<ResolvedProvider> {
  if (setting.kind === 'builtin') return { config: { kind: 'builtin' }, label: 'builtin' };
  let model: ModelProviderConfig;
  let label: string;
  if (setting.kind === 'openai') {
    const apiKey = await readApiKey(secrets);
    if (!apiKey && /(^|\.)openai\.com$/i.test(hostOf(setting.baseURL))) {
      throw new ProviderSetupError(`Reflect has no API key for ${withoutUrlCredentials(setting.baseURL)}: run "Reflect: Set API Key", or set REFLECT_API_KEY, or switch reflect.provider to builtin.`);
    }
    model = {
      kind: 'openai', baseURL: setting.baseURL, model: setting.model, requestTimeoutMs: setting.requestTimeoutMs,
      ...(setting.criticModel ? { criticModel: setting.criticModel } : {}), ...(apiKey ? { apiKey } : {}),
    };
    // The log shows the server, never a user:password in its URL.
    label = `openai ${setting.model}${setting.criticModel ? ` (critic ${setting.criticModel})` : ''} at ${withoutUrlCredentials(setting.baseURL)}`;
  } else {
    let actor;
    try {
      actor = await selectLmChatModel(setting.vendor, setting.family);
    } catch (error) {
      throw new ProviderSetupError(`Reflect: ${error instanceof Error ? error.message : String(error)}.`);
    }
    model = { kind: 'chat', label: `vscode.lm ${actor.name}`, actor };
    label = `vscode.lm ${actor.name}`;
  }
  return setting.hybrid
    ? { config: { kind: 'hybrid', model }, label: `hybrid: builtin + ${label}` }
    : { config: model, label };
}

function hostOf(url: string): string {
  try { return new URL(url).hostname; } catch { return ''; }
}
