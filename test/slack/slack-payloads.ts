/*
 * Slack's request payloads, in the shapes Slack sends them (docs.slack.dev: interaction payloads,
 * slash commands, Events API). Interactivity is a form with a JSON `payload`, slash commands a
 * plain form, events JSON. No node: imports: the Workers' tests (test/workers/) build them too;
 * signing is in slack-signing.ts.
 */

export const TEAM = { id: 'T0PRISM', domain: 'prism' };
export const APP_ID = 'A0PRISM';
export const STAFF = { id: 'U0STAFF1', username: 'maria', name: 'maria', team_id: TEAM.id };
export const OTHER_STAFF = { id: 'U0STAFF2', username: 'jon', name: 'jon', team_id: TEAM.id };

type Staff = typeof STAFF;

/** A request body and its content type, as Slack sends it. */
export interface SlackBody {
  contentType: string;
  body: string;
}

const form = (fields: Record<string, string>): SlackBody => ({
  contentType: 'application/x-www-form-urlencoded',
  body: new URLSearchParams(fields).toString(),
});

const interaction = (payload: unknown): SlackBody => form({ payload: JSON.stringify(payload) });

let counter = 0;
const triggerId = () => `${7_000_000 + ++counter}.${TEAM.id}.${'a1b2c3d4'.repeat(4)}`;

export function urlVerification(challenge: string): SlackBody {
  return { contentType: 'application/json', body: JSON.stringify({ token: 'legacy', challenge, type: 'url_verification' }) };
}

/** A click on a button of the triage message (`block_actions`). */
export function buttonClick(options: { actionId: string; ref: string; channel: string; messageTs: string; user?: Staff; label?: string }): SlackBody {
  const user = options.user ?? STAFF;
  return interaction({
    type: 'block_actions',
    user,
    api_app_id: APP_ID,
    token: 'legacy',
    container: { type: 'message', message_ts: options.messageTs, channel_id: options.channel, is_ephemeral: false },
    trigger_id: triggerId(),
    team: TEAM,
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: options.channel, name: 'support-triage' },
    message: { type: 'message', subtype: 'bot_message', text: options.ref, ts: options.messageTs, bot_id: 'B0BOT', blocks: [] },
    state: { values: {} },
    response_url: `https://hooks.slack.com/actions/${TEAM.id}/1/x`,
    actions: [
      {
        action_id: options.actionId,
        block_id: `triage:${options.ref}`,
        text: { type: 'plain_text', text: options.label ?? options.actionId, emoji: true },
        value: options.ref,
        type: 'button',
        action_ts: `${Math.floor(Date.now() / 1000)}.000${counter}`,
      },
    ],
  });
}

/** The submission of the "Ask for info" modal (`view_submission`). */
export function askSubmission(options: { viewId: string; privateMetadata: string; question: string; user?: Staff }): SlackBody {
  return interaction({
    type: 'view_submission',
    team: TEAM,
    user: options.user ?? STAFF,
    api_app_id: APP_ID,
    token: 'legacy',
    trigger_id: triggerId(),
    view: {
      id: options.viewId,
      team_id: TEAM.id,
      type: 'modal',
      blocks: [],
      private_metadata: options.privateMetadata,
      callback_id: 'triage.ask_modal',
      state: { values: { question: { question_input: { type: 'plain_text_input', value: options.question } } } },
      hash: '1700000000.abc',
      title: { type: 'plain_text', text: 'Ask for info', emoji: true },
      root_view_id: options.viewId,
      previous_view_id: null,
      app_id: APP_ID,
      bot_id: 'B0BOT',
    },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  });
}

/** `/prism <text>` typed in a channel. */
export function slashCommand(text: string, responseUrl: string, user: Staff = STAFF): SlackBody {
  return form({
    token: 'legacy',
    team_id: TEAM.id,
    team_domain: TEAM.domain,
    channel_id: 'C0TRIAGE',
    channel_name: 'support-triage',
    user_id: user.id,
    user_name: user.username,
    command: '/prism',
    text,
    api_app_id: APP_ID,
    is_enterprise_install: 'false',
    response_url: responseUrl,
    trigger_id: triggerId(),
  });
}

/** A message posted in a thread (`event_callback` with a `message` event). */
export function threadMessage(options: { channel: string; threadTs: string; ts: string; text: string; user?: string; eventId?: string }): SlackBody {
  return {
    contentType: 'application/json',
    body: JSON.stringify({
      token: 'legacy',
      team_id: TEAM.id,
      api_app_id: APP_ID,
      event: {
        type: 'message',
        user: options.user ?? STAFF.id,
        text: options.text,
        ts: options.ts,
        thread_ts: options.threadTs,
        parent_user_id: 'U0BOT',
        channel: options.channel,
        channel_type: 'channel',
        event_ts: options.ts,
        client_msg_id: `msg-${options.ts}`,
        team: TEAM.id,
      },
      type: 'event_callback',
      event_id: options.eventId ?? `Ev${options.ts.replace('.', '')}`,
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [{ enterprise_id: null, team_id: TEAM.id, user_id: 'U0BOT', is_bot: true, is_enterprise_install: false }],
      is_ext_shared_channel: false,
      event_context: '4-eyJldCI6Im1lc3NhZ2UifQ',
    }),
  };
}
