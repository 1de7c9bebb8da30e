/** The names of Reflect's language-model tools, as `contributes.languageModelTools` declares them. */
export const LM_TOOL_NAMES = {
  runTests: 'reflect_run_tests',
  fix: 'reflect_fix_failing_tests',
  verify: 'reflect_verify_change',
} as const;

export type LmToolName = (typeof LM_TOOL_NAMES)[keyof typeof LM_TOOL_NAMES];
