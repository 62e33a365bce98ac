import { parentPort } from 'node:worker_threads';
import { EmailRejectedError } from '../../src/email/email-report.ts';
import { parseEmail } from '../../src/email/parse-email.ts';
import { type ParseAnswer, type ParseRequest, THREAD_READY } from './parse-messages.ts';

/*
 * The email parse thread (thread-parser.ts starts it): parses one message at a time, off the
 * server's event loop and within a heap of its own.
 */
const port = parentPort;
port?.on('message', async (request: ParseRequest) => {
  let answer: ParseAnswer;
  try {
    answer = { parsed: await parseEmail(request.bytes, request.options) };
  } catch (error) {
    // parseEmail throws nothing but rejections; anything else is one too, the message's own.
    answer = {
      rejected:
        error instanceof EmailRejectedError
          ? { reason: error.reason, message: error.message }
          : { reason: 'unparseable', message: error instanceof Error ? error.message : String(error) },
    };
  }
  port.postMessage(answer);
});

/** A short report parsed once at the start: the first message a server gets is not slowed by compiling the parser's code. */
const WARM_UP = [
  'From: Maya <maya@example.com>',
  'Subject: Video failed',
  'Date: Sat, 21 Nov 2026 10:58:00 +0100',
  'Content-Type: text/plain; charset=utf-8',
  '',
  'My Video Studio run failed this morning at 9:25 (Berlin time) with "Generation failed". The prompt was "a paper boat".',
].join('\r\n');
if (port) void parseEmail(WARM_UP, { receivedAt: 0 }).finally(() => port.postMessage(THREAD_READY));
