// A test-only extension, loaded beside Reflect by test/e2e/run.sh's `tests` pass: it registers two chat models
// (vendor "reflect-scripted", families "tools" and "plain") with the real LM API of VS Code 1.100, where registering
// a provider is the `chatProvider` API proposal (`vscode.lm.registerChatModelProvider`; later VS Code versions
// finalised provider registration under another name and shape). Requests from Reflect travel through the workbench and back to
// this provider as real LanguageModelChatMessages; each is recorded as plain data and answered with the next
// scripted reply. Tests reach the script and the records through this extension's exports.
'use strict';
const vscode = require('vscode');

/**
 * @typedef {{ text: string } | { toolCall: { callId: string, name: string, input: unknown } }} ScriptedPart
 * @typedef {{ parts: ScriptedPart[] } | { fail: string }} ScriptedReply  fail: the request is refused with that message
 * @typedef {{ from: string, tools: string[], toolMode: number | undefined, messages: { role: string, parts: object[] }[] }} RecordedRequest
 */

/** @param {vscode.ExtensionContext} context */
function activate(context) {
  /** @type {ScriptedReply[]} */
  let replies = [];
  /** @type {string} */
  let fallback = 'No more scripted replies.';
  /** @type {RecordedRequest[]} */
  const requests = [];

  const provider = {
    async provideLanguageModelResponse(messages, options, extensionId, progress, token) {
      requests.push({
        from: extensionId,
        tools: (options.tools || []).map((t) => t.name),
        toolMode: options.toolMode,
        messages: messages.map(plainMessage),
      });
      const reply = replies.shift() || { parts: [{ text: fallback }] };
      if ('fail' in reply) throw new Error(reply.fail);
      for (const part of reply.parts) {
        if (token.isCancellationRequested) throw new vscode.CancellationError();
        progress.report({
          index: 0,
          part: 'text' in part
            ? new vscode.LanguageModelTextPart(part.text)
            : new vscode.LanguageModelToolCallPart(part.toolCall.callId, part.toolCall.name, part.toolCall.input),
        });
      }
    },
    async provideTokenCount(input) {
      const text = typeof input === 'string' ? input : JSON.stringify(plainMessage(input).parts);
      return Math.ceil(text.length / 4);
    },
  };
  // Two models on the same script: family "tools" declares tool calling, family "plain" declares it cannot.
  context.subscriptions.push(vscode.lm.registerChatModelProvider('scripted-tools', provider, {
    vendor: 'reflect-scripted', name: 'Scripted tools model', family: 'tools', version: '1',
    maxInputTokens: 100000, maxOutputTokens: 8000, capabilities: { toolCalling: true },
  }));
  context.subscriptions.push(vscode.lm.registerChatModelProvider('scripted-plain', provider, {
    vendor: 'reflect-scripted', name: 'Scripted model without tools', family: 'plain', version: '1',
    maxInputTokens: 100000, maxOutputTokens: 8000, capabilities: { toolCalling: false },
  }));

  return {
    /** Replaces the script and forgets earlier requests; `otherwise` answers requests beyond the script. */
    script(next, otherwise) {
      replies = next.slice();
      if (otherwise !== undefined) fallback = otherwise;
      requests.length = 0;
    },
    /** @type {RecordedRequest[]} */
    requests,
  };
}

/** A received message as plain data: text, tool call and tool result parts, by shape (the classes differ by version). */
function plainMessage(message) {
  const role = message.role === vscode.LanguageModelChatMessageRole.Assistant ? 'assistant' : 'user';
  const content = Array.isArray(message.content) ? message.content : [new vscode.LanguageModelTextPart(String(message.content))];
  return { role, parts: content.map(plainPart) };
}

function plainPart(part) {
  if (part && typeof part.value === 'string') return { text: part.value };
  if (part && typeof part.callId === 'string' && Array.isArray(part.content)) {
    return { toolResult: part.callId, text: part.content.map((p) => (p && typeof p.value === 'string' ? p.value : '')).join('') };
  }
  if (part && typeof part.callId === 'string' && typeof part.name === 'string') {
    return { toolCall: part.callId, name: part.name, input: part.input };
  }
  return { other: String(part && part.constructor && part.constructor.name) };
}

module.exports = { activate };
