// CI reads the last line of the test run; Jest's own summary is not a format it understands,
// so this reporter prints the plain "N passed, N failed, N skipped" line at the very end.
class ClosingLineReporter {
  onRunComplete(_contexts, results) {
    const passed = results.numPassedTests;
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const skipped = results.numPendingTests + results.numTodoTests;
    process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
module.exports = ClosingLineReporter;
