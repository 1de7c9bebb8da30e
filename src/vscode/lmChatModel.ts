import * as vscode from 'vscode';
import { ChatModel, ChatRequest, ChatResult, ModelError } from '../core/ports';

/** Shown in VS Code's consent dialog the first time Reflect asks to use an editor model. */
const JUSTIFICATION = 'Reflect asks the model to propose fixes for your failing tests and to critique each attempt.';

/**
 * Picks an editor language model (VS Code LM API, e.g. GitHub Copilot) by vendor and family.
 * Throws a ModelError a person can act on when none is available.
 */
export async function selectLmChatModel(vendor: string, family?: string): Promise<ChatModel> {
  const models = await vscode.lm.selectChatModels({ vendor, ...(family ? { family } : {}) });
  const model = models[0];
  if (!model) {
    throw new ModelError(
      `no editor language model from vendor "${vendor}"${family ? ` with family "${family}"` : ''} is available; ` +
      'install and sign in to a model provider (e.g. GitHub Copilot Chat), or change reflect.lm.vendor / reflect.lm.family',
      'not-found',
    );
  }
  return lmChatModel(model);
}

/** Wraps one `LanguageModelChat` as the engine's ChatModel port. */
export function lmChatModel(model: vscode.LanguageModelChat): ChatModel {
  return {
    name: `${model.vendor}/${model.family}`,
    async complete(request: ChatRequest): Promise<ChatResult> {
      const started = Date.now();
      const cancel = new vscode.CancellationTokenSource();
      // The editor's CancellationToken becomes the core's AbortSignal here (and in the run controller).
      const onAbort = () => cancel.cancel();
      request.signal?.addEventListener('abort', onAbort, { once: true });
      try {
        if (request.signal?.aborted) throw new ModelError('the model request was cancelled', 'aborted');
        const messages = toLmMessages(request.messages);
        const response = await model.sendRequest(messages, { justification: JUSTIFICATION }, cancel.token);
        let text = '';
        for await (const piece of response.text) {
          text += piece;
          request.onDelta?.(piece);
        }
        if (request.signal?.aborted) throw new ModelError('the model request was cancelled', 'aborted');
        const prompt = await countAll(model, messages, cancel.token);
        const completion = await model.countTokens(text, cancel.token);
        return { text, model: model.id, usage: { prompt, completion }, durationMs: Date.now() - started };
      } catch (error) {
        throw toModelError(error, request.signal);
      } finally {
        request.signal?.removeEventListener('abort', onAbort);
        cancel.dispose();
      }
    },
  };
}

/** The LM API has no system role: the system text becomes the first user message, marked as instructions. */
function toLmMessages(messages: ChatRequest['messages']): vscode.LanguageModelChatMessage[] {
  return messages.map((m) =>
    m.role === 'assistant'
      ? vscode.LanguageModelChatMessage.Assistant(m.content)
      : vscode.LanguageModelChatMessage.User(m.role === 'system' ? `Instructions:\n${m.content}` : m.content),
  );
}

async function countAll(model: vscode.LanguageModelChat, messages: vscode.LanguageModelChatMessage[], token: vscode.CancellationToken): Promise<number> {
  let total = 0;
  for (const m of messages) total += await model.countTokens(m, token);
  return total;
}

function toModelError(error: unknown, signal?: AbortSignal): ModelError {
  if (error instanceof ModelError) return error;
  if (signal?.aborted || error instanceof vscode.CancellationError) return new ModelError('the model request was cancelled', 'aborted');
  if (error instanceof vscode.LanguageModelError) {
    if (error.code === vscode.LanguageModelError.NoPermissions.name) {
      return new ModelError('permission to use the editor language model was not given; run the command again and allow Reflect in the consent dialog', 'auth');
    }
    if (error.code === vscode.LanguageModelError.NotFound.name) {
      return new ModelError('the editor language model is no longer available; check reflect.lm.vendor / reflect.lm.family', 'not-found');
    }
    if (error.code === vscode.LanguageModelError.Blocked.name) {
      return new ModelError('the editor language model refused the request (quota or policy); try again later or switch reflect.provider', 'rate-limit');
    }
    return new ModelError(`the editor language model failed: ${error.message}`, 'other');
  }
  return new ModelError(`the editor language model failed: ${error instanceof Error ? error.message : String(error)}`, 'other');
}
