// Imported before ink so its chalk sees a color terminal: lets a test tell "no color because
// NO_COLOR" from "no color because the test's stdout is not a terminal".
process.env.FORCE_COLOR = '1';
