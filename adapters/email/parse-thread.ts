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
port?.postMessage(THREAD_READY);
