import * as vscode from 'vscode';

const KEY_ID = 'reflect.openai.apiKey';

/** Environment variables consulted when no key was stored, in order. */
export const API_KEY_ENV_VARS = ['REFLECT_API_KEY', 'OPENAI_API_KEY'];

/** The OpenAI-compatible key: SecretStorage first, then the environment. Never logged by any caller. */
export async function readApiKey(secrets: vscode.SecretStorage): Promise<string | undefined> {
  const stored = await secrets.get(KEY_ID);
  if (stored) return stored;
  for (const name of API_KEY_ENV_VARS) if (process.env[name]) return process.env[name];
  return undefined;
}

/** Asks for the key in a password box (or takes `value`, for scripted use) and stores it in SecretStorage. */
export async function promptAndStoreApiKey(secrets: vscode.SecretStorage, value?: string): Promise<boolean> {
  const key = value ?? await vscode.window.showInputBox({
    title: 'Reflect: API key of the OpenAI-compatible server',
    prompt: 'Stored in the editor\'s secret storage, never in settings or logs. Leave empty to cancel.',
    password: true,
    ignoreFocusOut: true,
  });
  if (!key) return false;
  await secrets.store(KEY_ID, key.trim());
  return true;
}

/** Removes the stored key (the environment variables still apply). */
export async function clearApiKey(secrets: vscode.SecretStorage): Promise<void> {
  await secrets.delete(KEY_ID);
}
