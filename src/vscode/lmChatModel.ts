import * as vscode from 'vscode';
import { ChatModel, ChatRequest, ChatResult, ModelError, ToolCall } from '../core/ports';
import { fromLmReply, looksLikeToolRefusal, toLmConversation, toLmTools, type LmMessage, type LmReplyPart, type LmTool } from './lmConversation';

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

/**
 * Wraps one `LanguageModelChat` as the engine's ChatModel port. Offered tools go to the model as
 * `LanguageModelChatTool`s (tool mode auto) and its `LanguageModelToolCallPart`s come back as tool calls; the
 * conversion itself is plain data in lmConversation.ts.
 */
export function lmChatModel(model: vscode.LanguageModelChat): ChatModel {
  // A model declared without tool calling, or one that has refused the tools once, gets requests without them:
  // the prompt's NEED: lines still work.
  let toolsRefused = declaresNoToolCalling(model);
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
        const messages = toLmConversation(request.messages).map(toVscodeMessage);
        const offered = request.tools?.length && !toolsRefused ? toLmTools(request.tools) : undefined;
        const progress = { streamed: false };
        let reply: { text: string; toolCalls: ToolCall[] };
        try {
          reply = await sendAndRead(model, messages, offered, request, progress, cancel.token);
        } catch (error) {
          if (!offered || progress.streamed || request.signal?.aborted || error instanceof vscode.CancellationError) throw error;
          if (!looksLikeToolRefusal(error instanceof Error ? error.message : String(error))) throw error;
          toolsRefused = true;
          reply = await sendAndRead(model, messages, undefined, request, progress, cancel.token);
        }
        if (request.signal?.aborted) throw new ModelError('the model request was cancelled', 'aborted');
        const prompt = await countAll(model, messages, cancel.token);
        const completion = await model.countTokens(reply.text + reply.toolCalls.map((c) => c.name + c.arguments).join(''), cancel.token);
        return {
          text: reply.text,
          ...(reply.toolCalls.length ? { toolCalls: reply.toolCalls } : {}),
          model: model.id, usage: { prompt, completion }, durationMs: Date.now() - started,
        };
      } catch (error) {
        throw toModelError(error, request.signal);
      } finally {
        request.signal?.removeEventListener('abort', onAbort);
        cancel.dispose();
      }
    },
  };
}

/**
 * Whether the model's provider declared it cannot call tools. VS Code 1.100 puts the declaration on the model object
 * (`capabilities.supportsToolCalling`) without it being in the stable typings yet, so it is read by shape; a model
 * without the field is offered the tools.
 */
function declaresNoToolCalling(model: vscode.LanguageModelChat): boolean {
  return (model as { capabilities?: { supportsToolCalling?: unknown } }).capabilities?.supportsToolCalling === false;
}

/** One request and its streamed reply: text parts go to onDelta as they come, tool call parts are collected. */
async function sendAndRead(
  model: vscode.LanguageModelChat, messages: vscode.LanguageModelChatMessage[], tools: LmTool[] | undefined,
  request: ChatRequest, progress: { streamed: boolean }, token: vscode.CancellationToken,
): Promise<{ text: string; toolCalls: ToolCall[] }> {
  const options: vscode.LanguageModelChatRequestOptions = {
    justification: JUSTIFICATION,
    ...(tools ? { tools, toolMode: vscode.LanguageModelChatToolMode.Auto } : {}),
  };
  const response = await model.sendRequest(messages, options, token);
  const parts: LmReplyPart[] = [];
  for await (const part of response.stream) {
    if (part instanceof vscode.LanguageModelTextPart) {
      parts.push({ kind: 'text', value: part.value });
      if (part.value) {
        progress.streamed = true;
        request.onDelta?.(part.value);
      }
    } else if (part instanceof vscode.LanguageModelToolCallPart) {
      parts.push({ kind: 'toolCall', callId: part.callId, name: part.name, input: part.input });
    }
    // Other parts (images, data) carry nothing this engine reads.
  }
  return fromLmReply(parts);
}

/** A plain LM message as the API's message object; one text part stays a plain string, as before tools. */
function toVscodeMessage(m: LmMessage): vscode.LanguageModelChatMessage {
  if (m.parts.length === 1 && m.parts[0].kind === 'text') {
    return m.role === 'user' ? vscode.LanguageModelChatMessage.User(m.parts[0].value) : vscode.LanguageModelChatMessage.Assistant(m.parts[0].value);
  }
  if (m.role === 'user') {
    return vscode.LanguageModelChatMessage.User(m.parts.flatMap<vscode.LanguageModelTextPart | vscode.LanguageModelToolResultPart>((p) =>
      p.kind === 'text' ? [new vscode.LanguageModelTextPart(p.value)]
        : p.kind === 'toolResult' ? [new vscode.LanguageModelToolResultPart(p.callId, [new vscode.LanguageModelTextPart(p.text)])]
          : []));
  }
  return vscode.LanguageModelChatMessage.Assistant(m.parts.flatMap<vscode.LanguageModelTextPart | vscode.LanguageModelToolCallPart>((p) =>
    p.kind === 'text' ? [new vscode.LanguageModelTextPart(p.value)]
      : p.kind === 'toolCall' ? [new vscode.LanguageModelToolCallPart(p.callId, p.name, p.input)]
        : []));
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
