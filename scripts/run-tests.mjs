#!/usr/bin/env node
// Runs the tap suite and ends with the line CI reads: "N passed, N failed[, N skipped]".
// A test is a top-level test point of a test file (a t.test() block or a
// top-level assertion). With REQUIRE_ALL=1 a skipped test counts as failed.
import { spawn } from 'node:child_process';

const args = ['tap', '-R', 'tap', ...process.argv.slice(2)];
const child = spawn('npx', args, { stdio: ['ignore', 'pipe', 'inherit'], env: process.env });
let passed = 0, failed = 0, skipped = 0, buf = '';
const requireAll = process.env.REQUIRE_ALL === '1';
const failures = [];
let file = '';
function line(l) {
  const sub = /^# Subtest: (.*)$/.exec(l);
  if (sub) file = sub[1];
  // Level 1: inside a test file's subtest (4 spaces).
  const m = /^ {4}(not )?ok \d+ - (.*?)(?: # (SKIP|TODO)\b(.*))?$/i.exec(l);
  if (!m) return;
  if (m[3] && m[3].toUpperCase() === 'SKIP') {
    if (requireAll) { failed++; failures.push(`${file}: ${m[2]} (skipped: ${m[4].trim()})`); } else skipped++;
  } else if (m[1]) { failed++; failures.push(`${file}: ${m[2]}`); }
  else passed++;
}
child.stdout.on('data', (d) => {
  process.stdout.write(d);
  buf += d.toString();
  let i;
  while ((i = buf.indexOf('\n')) >= 0) { line(buf.slice(0, i)); buf = buf.slice(i + 1); }
});
child.on('close', (code) => {
  if (buf) line(buf);
  if (failures.length) {
    console.log('\nFailed:');
    for (const f of failures) console.log(`  - ${f}`);
  }
  console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  process.exit(failed > 0 || code !== 0 ? 1 : 0);
});
