/**
 * Ink draws only the last frame, at exit, wherever `CI` or `CONTINUOUS_INTEGRATION` is set (it reads
 * them once, when it loads). The dashboard is only drawn on a terminal someone watches (the commands
 * refuse otherwise), so a shell that exports CI must not freeze it: this module is imported before
 * Ink and clears both for this process.
 */
delete process.env.CI;
delete process.env.CONTINUOUS_INTEGRATION;
