/**
 * A configuration problem that prevents any test run (no framework found, framework not installed, bad
 * selector). Its message says what happened and what to do next. Test runs that fail are reports, not throws.
 */
export class TestSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TestSetupError';
  }
}
