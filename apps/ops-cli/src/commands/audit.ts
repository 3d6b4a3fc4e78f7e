import { listOperatorActions } from '@consign/operations';
import { Command, text, time, wholeNumber } from '../command';
import { json, table } from '../render';

export const auditCommand: Command = {
  path: ['audit'],
  summary: 'the audit log: operator actions and every admin call to an app, newest first',
  usage: 'audit [--actor <name>] [--action <a | prefix.>] [--since <ISO>] [--limit <n>]',
  details: `Every action and dry run of this tool, every reconciliation run and repair, and every call to an
app's /admin API (refused ones too), with which app, who (the tool's --as, or api-key:<key name>),
what, when, parameters and outcome. --action takes an action or a prefix ending in "." or "/".`,
  options: {
    actor: { type: 'string', value: '<name>', description: 'only what this actor did', default: 'everyone' },
    action: {
      type: 'string',
      value: '<a | prefix.>',
      description: 'only this action, or those starting with a prefix ending in "." or "/"',
      default: 'every action',
    },
    since: { type: 'string', value: '<ISO>', description: 'only those started at or after this time', default: 'ever' },
    limit: { type: 'string', value: '<n>', description: 'the newest n', default: '100' },
  },
  async run({ values, json: asJson, context, io }) {
    const actions = await listOperatorActions(await context.database(), {
      actor: text(values, 'actor'),
      action: text(values, 'action'),
      since: time(text(values, 'since'), 'since'),
      limit: wholeNumber(text(values, 'limit'), 'limit'),
    });
    if (asJson) return (io.out(json({ actions })), 0);
    io.out(
      table(
        ['id', 'started', 'app', 'actor', 'action', 'outcome', 'parameters', 'error'],
        actions.map((action) => [
          action.id,
          action.startedAt.toISOString(),
          action.app,
          action.actor,
          action.action,
          action.outcome,
          JSON.stringify(action.parameters).slice(0, 80),
          action.error,
        ]),
      ),
    );
    return 0;
  },
};
