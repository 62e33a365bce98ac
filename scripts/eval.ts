/**
 * Scores the understanding module on the held-out sets of test/eval/ (never trained on): the chat
 * utterances (per intent, confusion matrix, opposite-direction errors) and the `.eml` reports (per
 * field), English first, then each other language (test/eval/<locale>/) and a table of all five.
 * `npm run eval`; `-- --verbose` also lists every mistake of the English dev split.
 */
import { intents } from '../src/understanding/index.ts';
import {
  type ChatScore,
  otherLocales,
  readChatSet,
  runChat,
  runChatFields,
  runEmail,
  scoreChat,
  scoreEmail,
  scoreFields,
  scoreGuess,
} from '../test/eval/run-eval.ts';

const verbose = process.argv.includes('--verbose');
const pct = (n: number, d: number) => (d ? `${((100 * n) / d).toFixed(1)} %` : '—');

function printChat(name: string, score: ChatScore): void {
  console.log(`\nChat, ${name}: ${score.correct}/${score.total} read right (${pct(score.correct, score.total)}), ${score.withheld} withheld for confirmation, ${score.wrong.length} wrong, ${score.opposite.length} opposite-direction`);
  const labels = [...intents, 'none'];
  console.log('\n  intent           right   accuracy');
  for (const label of labels) {
    const row = score.perIntent[label];
    if (row) console.log(`  ${label.padEnd(16)} ${`${row.correct}/${row.total}`.padStart(7)}   ${pct(row.correct, row.total).padStart(8)}`);
  }
  const columns = [...labels, '-'].filter((c) => Object.values(score.confusion).some((row) => row[c]));
  const short = (s: string) => s.replace('still_', 's_').replace('report_problem', 'report').replace('dont_send', 'dont').slice(0, 7);
  console.log(`\n  confusion (row: expected, column: read; - withheld)\n  ${''.padEnd(16)}${columns.map((c) => short(c).padStart(8)).join('')}`);
  for (const label of labels) {
    const row = score.confusion[label];
    if (row) console.log(`  ${label.padEnd(16)}${columns.map((c) => String(row[c] ?? '·').padStart(8)).join('')}`);
  }
  for (const r of score.opposite) if (name.startsWith('dev')) console.log(`  OPPOSITE: [${r.state}] "${r.text}" meant ${r.expected}, read ${r.got} (${r.confidence.toFixed(2)})`);
  // Only the dev split's mistakes are ever listed: the test split is scored, never looked into.
  if (verbose && name.startsWith('dev')) for (const r of score.wrong) console.log(`  wrong: [${r.state}] "${r.text}" meant ${r.expected}, read ${r.got} (${r.confidence.toFixed(2)})`);
}

const sumRows = (rows: Record<string, { correct: number }>) => Object.values(rows).reduce((n, r) => n + r.correct, 0);
const countRows = (rows: Record<string, { total: number }>) => Object.values(rows).reduce((n, r) => n + r.total, 0);

/** One language's figures, printed; its line of the summary returned. */
async function printLocale(locale: string): Promise<string> {
  const cases = [...readChatSet(locale), ...readChatSet(`${locale}-fresh`)];
  const results = runChat(cases, locale);
  const chat = scoreChat(results);
  console.log(`\n======== ${locale} ========`);
  printChat(`${locale}, both sets`, chat);
  for (const split of [locale, `${locale}-fresh`]) {
    const s = scoreChat(results.filter((r) => r.split === split));
    console.log(`  ${split === locale ? 'chat.tsv (mistakes looked into)' : 'chat2.tsv (written after, scored only)'}: ${s.correct}/${s.total} (${pct(s.correct, s.total)}), ${s.withheld} withheld, ${s.wrong.length} wrong, ${s.opposite.length} opposite`);
  }
  for (const r of chat.opposite) console.log(`  OPPOSITE: [${r.state}] "${r.text}" meant ${r.expected}, read ${r.got} (${r.confidence.toFixed(2)})`);
  const fields = scoreFields(runChatFields(locale));
  console.log(`\nChat fields (${locale}): ${pct(sumRows(fields), countRows(fields))}\n\n  field            right   accuracy`);
  for (const [field, row] of Object.entries(fields)) console.log(`  ${field.padEnd(16)} ${`${row.correct}/${row.total}`.padStart(7)}   ${pct(row.correct, row.total).padStart(8)}`);
  const emails = await runEmail(locale);
  const email = scoreEmail(emails);
  console.log(`\nEmail (${locale}): ${email.total} reports, fields right ${pct(email.fieldAccuracy * 1000, 1000)}`);
  for (const [field, row] of Object.entries(email.perField)) console.log(`  ${field.padEnd(16)} ${`${row.correct}/${row.total}`.padStart(7)}   ${pct(row.correct, row.total).padStart(8)}`);
  const kinds = [...new Set(emails.map((e) => e.kind))];
  console.log(`  by kind: ${kinds.map((k) => `${k} ${emails.filter((e) => e.kind === k).length}`).join(', ')}`);
  const guess = scoreGuess(cases, locale);
  console.log(`\nLanguage guessed from the utterance alone: ${guess.right} right, ${guess.unsure} unsure (null: the conversation keeps its language), ${guess.wrong.length} wrong`);
  for (const w of guess.wrong) console.log(`  guessed wrong: ${w}`);
  return `  ${locale}      ${String(chat.total).padStart(5)}   ${pct(chat.correct, chat.total).padStart(7)}   ${String(chat.opposite.length).padStart(8)}   ${pct(sumRows(fields), countRows(fields)).padStart(7)}   ${String(email.total).padStart(6)}   ${pct(email.fieldAccuracy * 1000, 1000).padStart(7)}   ${guess.right} / ${guess.unsure} / ${guess.wrong.length}`;
}

async function main(): Promise<void> {
  const started = performance.now();
  const splits = ['dev', 'test', 'test2'];
  const all = splits.flatMap((split) => runChat(readChatSet(split)));
  for (const split of splits) printChat(`${split} split`, scoreChat(all.filter((r) => r.split === split)));
  if (verbose) {
    console.log('\nWithheld (dev):');
    for (const r of all.filter((r) => r.split === 'dev' && r.got === null && r.expected !== 'none')) console.log(`  [${r.state}] "${r.text}" meant ${r.expected}, top ${r.top} (${r.confidence.toFixed(2)})`);
  }
  const total = scoreChat(all);
  console.log(`\nChat, all splits: ${total.correct}/${total.total} (${pct(total.correct, total.total)}), opposite-direction ${total.opposite.length}`);

  const chatFields = runChatFields();
  console.log(`\nChat fields: ${chatFields.length} messages\n\n  field            right   accuracy`);
  for (const [field, row] of Object.entries(scoreFields(chatFields))) console.log(`  ${field.padEnd(16)} ${`${row.correct}/${row.total}`.padStart(7)}   ${pct(row.correct, row.total).padStart(8)}`);
  if (verbose) for (const r of chatFields) for (const f of r.wrong) console.log(`  "${r.text}" ${f}: expected ${JSON.stringify(r.expected[f])}, got ${JSON.stringify(r.got[f])}`);

  const emails = await runEmail();
  const email = scoreEmail(emails);
  console.log(`\nEmail: ${email.total} reports, fields right ${pct(email.fieldAccuracy * 1000, 1000)}`);
  console.log('\n  field            right   accuracy');
  for (const [field, row] of Object.entries(email.perField)) console.log(`  ${field.padEnd(16)} ${`${row.correct}/${row.total}`.padStart(7)}   ${pct(row.correct, row.total).padStart(8)}`);
  const kinds = [...new Set(emails.map((e) => e.kind))];
  console.log(`\n  by kind: ${kinds.map((k) => { const s = scoreEmail(emails.filter((e) => e.kind === k)); return `${k} ${s.total} (${pct(s.fieldAccuracy * 1000, 1000)})`; }).join(', ')}`);
  const fresh = emails.filter((e) => Number(e.file.split('-')[1]) >= 45);
  console.log(`  reports 45–${44 + fresh.length}, written after the module and never looked into: fields right ${pct(scoreEmail(fresh).fieldAccuracy * 1000, 1000)}`);
  for (const e of emails) {
    if (fresh.includes(e)) continue;
    if (e.wrong.length === 0 || !verbose) continue;
    for (const f of e.wrong) console.log(`  ${e.file} ${f}: expected ${JSON.stringify(e.expected[f])}, got ${JSON.stringify(e.got[f])}`);
  }

  const summary = [`  en      ${String(total.total).padStart(5)}   ${pct(total.correct, total.total).padStart(7)}   ${String(total.opposite.length).padStart(8)}   ${pct(sumRows(scoreFields(chatFields)), countRows(scoreFields(chatFields))).padStart(7)}   ${`${email.total}`.padStart(6)}   ${pct(email.fieldAccuracy * 1000, 1000).padStart(7)}   —`];
  for (const locale of otherLocales) summary.push(await printLocale(locale));
  console.log('\nAll languages (chat intents read in the conversation\'s language; emails read with the language guessed)\n');
  console.log('  locale  chat   intents   opposite   fields   emails   fields   guessed right / unsure / wrong');
  for (const line of summary) console.log(line);
  console.log(`\n(${((performance.now() - started) / 1000).toFixed(1)} s)`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
