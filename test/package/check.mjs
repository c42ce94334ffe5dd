// One named check of a package-test suite: runs it, prints ok or FAIL, and counts it in `summary`
// ({ passed, failed, failures }), as the runtimes' smoke summaries do.
export async function runCheck(summary, name, fn) {
  try {
    await fn();
    summary.passed++;
    console.log(`  ok    ${name}`);
  } catch (error) {
    summary.failed++;
    summary.failures.push(`${name}: ${error.message}`);
    console.log(`  FAIL  ${name}: ${error.message}`);
  }
}
