// The operator console: plain modules, no build step. Every page runs the ops CLI's commands
// through /console/api/run; all text from the platform goes into the page as text, never as HTML.

const main = document.getElementById('main');
const statusBar = document.getElementById('status');
let operator = null;
/** Commands running for this page: the status line shows the latest, and clears when none is left. */
let running = 0;

/** An element with attributes, properties (`on…` handlers) and children (text or nodes). */
function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else if (name === 'value') element.value = value;
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat())
    if (child !== undefined && child !== null && child !== false) element.append(child instanceof Node ? child : String(child));
  return element;
}

function show(...nodes) {
  main.replaceChildren(...nodes);
}

function status(text) {
  statusBar.textContent = text ?? '';
}

class ConsoleError extends Error {}

async function api(method, path, body) {
  const response = await fetch(`/console/api${path}`, {
    method,
    headers: { 'content-type': 'application/json', 'x-consign-console': '1' },
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
  });
  if (response.status === 204) return null;
  const answer = await response.json();
  if (response.status === 401 && path !== '/session') signedOut();
  if (!response.ok) throw new ConsoleError(answer.detail ?? `HTTP ${response.status}`);
  return answer;
}

/**
 * Runs one CLI command for the signed-in operator, showing its progress lines as they come.
 * Resolves with the command's JSON result; a failed command rejects with its message.
 */
async function run(command, options) {
  running += 1;
  try {
    return await runCommand(command, options);
  } finally {
    running -= 1;
    // A page may run several commands at once: the status line clears when the last one ends.
    if (running === 0) status('');
  }
}

async function runCommand(command, { options = {}, operands = [], mode = 'run' } = {}) {
  status(`${command}${mode === 'run' ? '' : ` (${mode})`}: running…`);
  const response = await fetch('/console/api/run', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-consign-console': '1' },
    body: JSON.stringify({ command, options, operands, mode }),
    credentials: 'same-origin',
  });
  if (!response.ok) {
    const problem = await response.json().catch(() => ({}));
    if (response.status === 401) signedOut();
    throw new ConsoleError(problem.detail ?? `HTTP ${response.status}`);
  }
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  let last = null;
  for (;;) {
    const { value, done } = await reader.read();
    if (value) buffered += decoder.decode(value, { stream: true });
    let newline;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = JSON.parse(buffered.slice(0, newline));
      buffered = buffered.slice(newline + 1);
      // Empty lines are the server's heartbeat while a command is quiet.
      if (line.progress !== undefined) status(`${command}: ${line.progress}`);
      else if (line.exitCode !== undefined) last = line;
    }
    if (done) break;
  }
  if (!last) throw new ConsoleError(`${command} ended without an answer`);
  if (last.error) throw new ConsoleError(last.error.message);
  return { ...last.result, exitCode: last.exitCode, messages: last.messages };
}

/** Fills `target` with the nodes `render` resolves to, or with what went wrong. */
async function fill(target, render) {
  try {
    target.replaceChildren(...(await render()).filter((node) => node !== null && node !== undefined));
  } catch (error) {
    target.replaceChildren(errorBox(error));
  }
}

function errorBox(error) {
  return h('p', { class: 'error', role: 'alert' }, error instanceof ConsoleError ? error.message : `Unexpected: ${error.message}`);
}

/** A table of rows; a column is [header, row => text or node, wrap?]. */
function table(columns, rows, empty = 'Nothing matches.') {
  if (!rows.length) return h('p', { class: 'empty' }, empty);
  return h(
    'div',
    { class: 'table' },
    h(
      'table',
      {},
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          columns.map(([header]) => h('th', { scope: 'col' }, header)),
        ),
      ),
      h(
        'tbody',
        {},
        rows.map((row) =>
          h(
            'tr',
            {},
            columns.map(([, cell, wrap]) => h('td', wrap ? { class: 'wrap' } : {}, cell(row) ?? '-')),
          ),
        ),
      ),
    ),
  );
}

function fields(pairs) {
  return h(
    'dl',
    { class: 'fields' },
    pairs.flatMap(([name, value]) => [h('dt', {}, name), h('dd', {}, value ?? '-')]),
  );
}

function position(record) {
  return record ? `${record.topic}:${record.partition}:${record.offset}` : '-';
}

/** Asks before a change, showing its plan; resolves true only on Confirm. */
function confirmDialog(title, ...body) {
  const dialog = document.getElementById('confirm');
  // One question at a time: a second would share the first's answer.
  if (dialog.open) return Promise.resolve(false);
  document.getElementById('confirm-title').textContent = title;
  document.getElementById('confirm-body').replaceChildren(...body);
  dialog.returnValue = '';
  dialog.showModal();
  document.getElementById('confirm-cancel').focus();
  return new Promise((resolve) => dialog.addEventListener('close', () => resolve(dialog.returnValue === 'confirm'), { once: true }));
}

/** A form of filters or a change's fields: on submit, `submit` gets its filled fields and the form. */
function filterForm(submit, ...children) {
  const form = h(
    'form',
    {
      class: 'filters',
      onsubmit: (event) => {
        event.preventDefault();
        submit(formValues(form), form);
      },
    },
    ...children,
  );
  return form;
}

/** The form's filled fields, by name. */
function formValues(form) {
  const values = {};
  for (const element of form.elements) {
    if (!element.name) continue;
    if (element.type === 'checkbox') values[element.name] = element.checked;
    else if (element.value.trim() !== '') values[element.name] = element.value.trim();
  }
  return values;
}

function input(label, name, attributes = {}) {
  return h('label', {}, label, h('input', { name, ...attributes }));
}

function select(label, name, choices, attributes = {}) {
  return h(
    'label',
    {},
    label,
    h(
      'select',
      { name, ...attributes },
      choices.map(([value, text]) => h('option', { value }, text)),
    ),
  );
}

function isoOrUndefined(local) {
  return local ? new Date(local).toISOString() : undefined;
}

let changing = false;

/**
 * A change in two steps: its preview (the command's dry run) in a dialog, then the change itself
 * once confirmed. Shows the outcome in `target`. `pin(options, at)` fixes what "until now" means
 * in the preview, so that what is applied is what was shown, not what arrived meanwhile; a plan
 * that `isEmpty` is shown without a Confirm.
 */
async function previewThenApply({
  command,
  options = {},
  operands = [],
  title,
  renderPlan,
  renderOutcome,
  target,
  preview = true,
  pin = (given) => given,
  isEmpty = () => false,
}) {
  // A change at a time: a second click or Enter while one is asked or applied does nothing.
  if (changing) return null;
  changing = true;
  target.replaceChildren();
  try {
    const pinned = pin(options, new Date().toISOString());
    const plan = preview ? await run(command, { options: pinned, operands, mode: 'preview' }) : null;
    if (plan && isEmpty(plan)) {
      target.replaceChildren(renderPlan(plan), h('p', { class: 'note' }, 'Nothing to do: nothing changed.'));
      return null;
    }
    const confirmed = await confirmDialog(title, ...(plan ? [renderPlan(plan)] : []));
    if (!confirmed) {
      target.replaceChildren(h('p', { class: 'note' }, 'Cancelled: nothing changed.'));
      return null;
    }
    const outcome = await run(command, { options: pinned, operands, mode: 'apply' });
    target.replaceChildren(renderOutcome(outcome), ...messagesOf(outcome));
    return outcome;
  } catch (error) {
    target.replaceChildren(errorBox(error));
    return null;
  } finally {
    changing = false;
  }
}

/** What the command said besides its result (ids not found, records not decodable), as a list. */
function messagesOf(result) {
  return result.messages?.length
    ? [
        h(
          'ul',
          { class: 'note' },
          result.messages.map((message) => h('li', {}, message)),
        ),
      ]
    : [];
}

// Deliveries ------------------------------------------------------------------------------------

const historyColumns = [
  ['received', (row) => row.receivedAt],
  ['source', (row) => row.source],
  ['topic', (row) => row.topic],
  ['delivery id', (row) => (row.deliveryId ? h('a', { href: `#/deliveries/${encodeURIComponent(row.deliveryId)}` }, row.deliveryId) : '-')],
  ['subject', (row) => row.subjectId],
  ['outcome', (row) => (row.outcome === 'rejected' ? `rejected: ${row.reason ?? ''}` : row.outcome)],
  ['HTTP', (row) => row.httpStatus],
  ['from', (row) => row.sourceAddress],
];

function historyFilterFields(values = {}) {
  return [
    input('Order, product or user id', 'subject', { value: values.subject, inputmode: 'numeric' }),
    input('Delivery id', 'delivery-id', { value: values['delivery-id'] }),
    select('Outcome', 'outcome', [
      ['', 'any'],
      ['published', 'published'],
      ['spooled', 'spooled'],
      ['duplicate', 'duplicate'],
      ['rejected', 'rejected'],
    ]),
    input('Reason code', 'reason', { placeholder: 'shopify.signature_invalid' }),
    select('Source', 'source', [
      ['', 'both'],
      ['shopify', 'Shopify'],
      ['clerk', 'Clerk'],
    ]),
    input('Topic', 'topic', { placeholder: 'orders/create' }),
    input('Tenant', 'tenant'),
    input('From', 'from', { type: 'datetime-local', step: 1 }),
    input('To', 'to', { type: 'datetime-local', step: 1 }),
  ];
}

function historyOptions(values) {
  return { ...values, from: isoOrUndefined(values.from), to: isoOrUndefined(values.to) };
}

function deliveriesPage() {
  const results = h('div', { id: 'delivery-results' });
  const search = async (options, cursor) => {
    results.replaceChildren(h('p', { class: 'note' }, 'Searching…'));
    await fill(results, async () => {
      const page = await run('deliveries list', { options: { ...options, limit: '50', cursor } });
      return [
        table(historyColumns, page.deliveries, 'No delivery in the history matches.'),
        page.nextCursor
          ? h('button', { class: 'secondary', onclick: () => search(options, page.nextCursor) }, 'Older deliveries')
          : h('p', { class: 'note' }, `${page.deliveries.length} shown; no older ones match.`),
      ];
    });
  };
  const form = filterForm((values) => search(historyOptions(values)), historyFilterFields(), h('button', { type: 'submit' }, 'Search'));
  form.setAttribute('role', 'search');
  show(
    h('h2', {}, 'Deliveries'),
    h('p', { class: 'note' }, 'Every webhook the gateway answered, refused ones with their reason, newest first.'),
    form,
    results,
  );
  search({});
}

async function deliveryPage(deliveryId) {
  const body = h('div', {}, h('p', { class: 'note' }, 'Loading…'));
  show(h('h2', {}, `Delivery ${deliveryId}`), h('p', {}, h('a', { href: '#/deliveries' }, '← All deliveries')), body);
  try {
    const [history, path, audit] = await Promise.all([
      run('deliveries list', { options: { 'delivery-id': deliveryId, limit: '100' } }),
      run('status', { operands: [deliveryId] }).catch((error) => ({ unavailable: error.message })),
      Promise.all(['deliveries.replay', 'webhooks.replay'].map((action) => run('audit', { options: { action, limit: '200' } }))).then(
        (lists) => ({ actions: lists.flatMap((list) => list.actions).sort((a, b) => (a.startedAt < b.startedAt ? 1 : -1)) }),
        (error) => ({ actions: [], unavailable: error.message }),
      ),
    ]);
    const answers = [...history.deliveries].reverse();
    const steps = [];
    answers.forEach((answer, index) => {
      const replay = index > 0 && answer.outcome !== 'rejected';
      steps.push(
        h(
          'li',
          { class: answer.outcome === 'rejected' ? 'bad' : 'good' },
          h('span', { class: 'when' }, answer.receivedAt),
          `${replay ? 'Received again' : 'Received'} from ${answer.sourceAddress ?? 'unknown'}: ${answer.outcome}${answer.reason ? ` (${answer.reason}: ${answer.detail ?? ''})` : ''}, answered HTTP ${answer.httpStatus}`,
        ),
      );
    });
    for (const { delivery, records } of path.deliveries ?? []) {
      if (delivery.verifiedAt)
        steps.push(
          h('li', {}, h('span', { class: 'when' }, delivery.verifiedAt), `Verified (${delivery.source}, tenant ${delivery.tenantId})`),
        );
      if (delivery.status === 'spooled') steps.push(h('li', {}, 'In the gateway spool: not on Kafka yet'));
      for (const { record, consumers, deadLetters } of records) {
        steps.push(
          h('li', { class: 'good' }, h('span', { class: 'when' }, delivery.publishedAt ?? ''), `Published to ${position(record)}`),
        );
        for (const consumer of consumers) {
          steps.push(
            h(
              'li',
              { class: consumer.processed ? 'good' : '' },
              `${consumer.group}: ${consumer.processed ? 'processed' : `not processed yet (committed ${consumer.committed ?? 'none'})`}`,
            ),
          );
        }
        for (const deadLetter of deadLetters) {
          steps.push(
            h(
              'li',
              { class: 'bad' },
              `Dead-lettered by ${deadLetter.group}: ${deadLetter.category}/${deadLetter.code} after ${deadLetter.attempts} attempt(s): ${deadLetter.message} `,
              h('a', { href: `#/deadletters/${encodeURIComponent(deadLetter.id)}` }, deadLetter.id),
            ),
          );
        }
      }
    }
    // Replays are found in the audit log: those that named this delivery, or searched for its subject.
    const subjects = new Set(history.deliveries.map((answer) => answer.subjectId).filter(Boolean));
    for (const action of [...audit.actions].reverse()) {
      if (action.outcome === 'dry_run') continue;
      const parameters = JSON.stringify(action.parameters);
      if (!parameters.includes(`"${deliveryId}"`) && ![...subjects].some((subject) => parameters.includes(`"subject":"${subject}"`)))
        continue;
      steps.push(
        h(
          'li',
          { class: action.outcome === 'succeeded' ? 'good' : 'bad' },
          h('span', { class: 'when' }, action.startedAt),
          `Replayed by ${action.actor} (${action.action}): ${action.outcome}`,
        ),
      );
    }
    body.replaceChildren(
      steps.length
        ? h('ol', { class: 'timeline', 'aria-label': 'Timeline' }, steps)
        : h('p', { class: 'empty' }, 'Nothing is known of this delivery.'),
      h('p', { class: 'note' }, path.unavailable ? `Its path through Kafka is not known: ${path.unavailable}` : ''),
      h('p', { class: 'note' }, audit.unavailable ? `Its replays are not known: the audit log did not answer (${audit.unavailable})` : ''),
      h('div', { class: 'actions' }, h('a', { href: `#/replay?delivery-id=${encodeURIComponent(deliveryId)}` }, 'Replay this delivery…')),
      h('h3', {}, 'Answers'),
      table(historyColumns, history.deliveries),
    );
  } catch (error) {
    body.replaceChildren(errorBox(error));
  }
}

// Dead letters ----------------------------------------------------------------------------------

const services = ['inventory-service', 'earnings-service', 'consignor-service', 'notification-service'];

function redrivePlan(plan) {
  return table(
    [
      ['dead letter', (row) => row.id],
      ['status', (row) => row.status],
      ['back to', (row) => (row.redrivenTo ? position(row.redrivenTo) : `${row.original.topic}:${row.original.partition}`)],
    ],
    plan.results,
    'Nothing to redrive.',
  );
}

function purgePlan(plan) {
  return h(
    'div',
    {},
    table(
      [
        ['partition', (row) => row.partition],
        ['from', (row) => row.from],
        ['up to', (row) => row.upTo],
        ['records', (row) => row.records],
      ],
      plan.partitions,
    ),
    h(
      'p',
      {},
      plan.applied
        ? `Purged ${plan.total} record(s) from ${plan.topic}.`
        : `${plan.total} record(s) of ${plan.topic} would be deleted. Kafka cannot bring them back.`,
    ),
  );
}

function deadLettersPage() {
  const results = h('div', {});
  const outcome = h('div', {});
  const list = async (options) => {
    results.replaceChildren(h('p', { class: 'note' }, 'Reading the dead-letter topics…'));
    await fill(results, async () => {
      const listed = await run('deadletters list', { options });
      return [
        table(
          [
            ['dead letter', (row) => h('a', { href: `#/deadletters/${encodeURIComponent(row.id)}` }, row.id)],
            ['when', (row) => row.deadLetteredAt],
            ['group', (row) => row.group],
            ['reason', (row) => `${row.category}/${row.code}`],
            ['attempts', (row) => row.attempts],
            ['original', (row) => position(row.original)],
            ['redriven', (row) => (row.redrives.length ? `${row.redrives.length}×` : 'no')],
            ['message', (row) => row.message, true],
          ],
          listed.deadLetters,
          'No dead letters match.',
        ),
        h('p', { class: 'note' }, `${listed.deadLetters.length} shown of ${listed.matched} matching.`),
      ];
    });
  };
  const form = filterForm(
    (values) => list(values),
    select('Service', 'service', [['', 'every service'], ...services.map((service) => [service, service])]),
    select('Category', 'category', [
      ['', 'any'],
      ...['transient', 'invalid', 'poison', 'dependency', 'unauthorized'].map((category) => [category, category]),
    ]),
    h('button', { type: 'submit' }, 'List'),
  );
  const purgeForm = filterForm(
    (values) => {
      previewThenApply({
        command: 'deadletters purge',
        options: values,
        // Only what the preview showed: dead letters arriving while the question is asked stay.
        pin: (given, at) => ({ ...given, before: given.before ?? at }),
        isEmpty: (plan) => plan.total === 0,
        title: `Purge the dead letters of ${values.service}?`,
        renderPlan: purgePlan,
        renderOutcome: purgePlan,
        target: outcome,
      }).then((done) => done && list(formValues(form)));
    },
    select(
      'Service',
      'service',
      services.map((service) => [service, service]),
    ),
    h('button', { type: 'submit', class: 'danger' }, 'Purge…'),
  );
  show(h('h2', {}, 'Dead letters'), form, results, h('h3', {}, 'Purge a service’s dead letters'), purgeForm, outcome);
  list({});
}

async function deadLetterPage(id) {
  const body = h('div', {}, h('p', { class: 'note' }, 'Loading…'));
  const outcome = h('div', {});
  show(h('h2', {}, `Dead letter ${id}`), h('p', {}, h('a', { href: '#/deadletters' }, '← All dead letters')), body, outcome);
  await fill(body, async () => {
    const shown = await run('deadletters show', { operands: [id] });
    return [
      fields([
        ['group', shown.group],
        ['dead-lettered at', shown.deadLetteredAt],
        ['reason', `${shown.category}/${shown.code}: ${shown.message}`],
        ['attempts', `${shown.attempts} (first ${shown.firstFailureAt ?? '-'}, last ${shown.lastFailureAt ?? '-'})`],
        ['original', position(shown.original)],
        ['event type', shown.eventType],
        ['key', shown.key],
        ['redriven', shown.redrives.map((redrive) => `${redrive.redrivenAt} by ${redrive.redrivenBy}`).join('; ') || 'no'],
      ]),
      h(
        'div',
        { class: 'actions' },
        h(
          'button',
          {
            onclick: () =>
              previewThenApply({
                command: 'deadletters redrive',
                operands: [id],
                title: `Redrive ${id}?`,
                isEmpty: (plan) => !plan.results.some((result) => result.status === 'would_redrive'),
                renderPlan: redrivePlan,
                renderOutcome: redrivePlan,
                target: outcome,
              }),
          },
          'Redrive…',
        ),
      ),
      h('h3', {}, shown.payload.decoded ? `Payload (schema ${shown.payload.schemaId})` : 'Payload (not decodable)'),
      h(
        'pre',
        {},
        shown.payload.decoded
          ? JSON.stringify(shown.payload.value, null, 2)
          : `${shown.payload.error}\nhex    ${shown.payload.preview.hex}\nbase64 ${shown.payload.preview.base64}`,
      ),
      h('h3', {}, 'Headers'),
      h('pre', {}, JSON.stringify(shown.headers, null, 2)),
    ];
  });
}

// Webhook replay --------------------------------------------------------------------------------

function replayTargets(plan) {
  return plan.targets ?? plan.deliveries ?? [];
}

function replayPlan(plan) {
  const targets = replayTargets(plan);
  return h(
    'div',
    {},
    h(
      'p',
      {},
      `${targets.length} archived delivery(ies) would be replayed through the gateway${plan.job ? ` at ${plan.job.ratePerSecond}/s` : ''}.`,
    ),
    plan.missing?.length ? h('p', { class: 'error' }, `Not in the archive: ${plan.missing.join(', ')}`) : null,
    table(
      [
        ['received', (row) => row.receivedAt],
        ['source', (row) => row.source],
        ['delivery id', (row) => row.deliveryId],
        ['topic', (row) => row.topic],
        ['tenant', (row) => row.tenantId],
      ],
      targets,
      'Nothing archived matches.',
    ),
    plan.notReplayable?.length
      ? table(
          [
            ['not replayable', (row) => row.deliveryId],
            ['outcome', (row) => row.outcome],
            ['why', (row) => row.reason, true],
          ],
          plan.notReplayable,
        )
      : null,
  );
}

function replayOutcome(outcome) {
  return h(
    'div',
    {},
    h(
      'p',
      { role: 'alert' },
      `Replayed: ${outcome.results.filter((result) => result.status !== 'failed').length}, failed: ${outcome.results.filter((result) => result.status === 'failed').length}.`,
    ),
    table(
      [
        ['delivery id', (row) => row.deliveryId ?? `(archive ${row.archivedAt.partition}:${row.archivedAt.offset})`],
        ['status', (row) => row.status],
        ['events', (row) => row.publishedTo.map(position).join(' ')],
        ['error', (row) => row.error, true],
      ],
      outcome.results,
    ),
  );
}

function replayPage(query) {
  const outcome = h('div', { id: 'replay-outcome' });
  const jobs = h('div', {});
  const listJobs = async () => {
    await fill(jobs, async () => {
      const listed = await run('deliveries jobs', { options: { limit: '10' } });
      return [
        table(
          [
            ['job', (row) => row.id],
            ['started', (row) => row.createdAt],
            ['by', (row) => row.actor],
            ['status', (row) => row.status],
            ['done', (row) => `${row.nextIndex}/${row.total}`],
            ['replayed', (row) => row.replayed],
            ['failed', (row) => row.failed],
            // Only an interrupted job is resumed: a running one has its runner.
            [
              '',
              (row) =>
                row.status !== 'interrupted'
                  ? ''
                  : h(
                      'button',
                      {
                        class: 'secondary',
                        onclick: () =>
                          previewThenApply({
                            command: 'deliveries replay',
                            options: { resume: row.id },
                            preview: false,
                            title: `Resume replay job ${row.id}?`,
                            renderOutcome: replayOutcome,
                            target: outcome,
                          }).then(listJobs),
                      },
                      'Resume…',
                    ),
            ],
          ],
          listed.jobs,
          'No replay job yet.',
        ),
      ];
    });
  };
  const bySelection = filterForm(
    (values, form) => {
      const ids = form.elements['delivery-ids'].value.split(/[\s,]+/).filter(Boolean);
      previewThenApply({
        command: 'webhooks replay',
        options: { 'delivery-id': ids },
        title: `Replay ${ids.length} delivery(ies)?`,
        isEmpty: (plan) => replayTargets(plan).length === 0,
        renderPlan: replayPlan,
        renderOutcome: replayOutcome,
        target: outcome,
      });
    },
    h('label', {}, 'Delivery ids, one per line', h('textarea', { name: 'delivery-ids', rows: 3, cols: 40, required: true })),
    h('button', { type: 'submit' }, 'Preview and replay…'),
  );
  const byFilter = filterForm(
    (filled) => {
      const values = historyOptions(filled);
      previewThenApply({
        command: 'deliveries replay',
        options: values,
        // Only what the preview found: deliveries received while the question is asked are not added.
        pin: (given, at) => ({ ...given, to: given.to ?? at }),
        isEmpty: (plan) => replayTargets(plan).length === 0,
        title: 'Replay every archived delivery the search matches?',
        renderPlan: replayPlan,
        renderOutcome: (done) => h('div', {}, replayOutcome(done), h('p', {}, `Job ${done.job.id}: ${done.job.status}.`)),
        target: outcome,
      }).then(listJobs);
    },
    historyFilterFields({ 'delivery-id': query.get('delivery-id') ?? undefined }),
    input('Per second at most', 'rate', { value: '10', inputmode: 'numeric', size: 4 }),
    h('button', { type: 'submit' }, 'Preview and replay…'),
  );
  show(
    h('h2', {}, 'Webhook replay'),
    h(
      'p',
      { class: 'note' },
      'Replays archived webhooks through the gateway. Each is previewed first; what the platform already applied is not applied twice.',
    ),
    h('h3', {}, 'By delivery id'),
    h('p', { class: 'note' }, 'Reads the raw archive for them: slower than a search on a long archive.'),
    bySelection,
    h('h3', {}, 'By search of the delivery history'),
    byFilter,
    outcome,
    h('h3', {}, 'Replay jobs'),
    jobs,
  );
  listJobs();
}

// Offsets ---------------------------------------------------------------------------------------

function offsetPlan(outcome) {
  const plan = outcome.plan;
  return h(
    'div',
    {},
    h('p', {}, `Group ${plan.group} on ${plan.topic}, to ${plan.target}${outcome.applied ? ': applied.' : ':'}`),
    table(
      [
        ['partition', (row) => row.partition],
        ['committed', (row) => row.committed ?? 'none'],
        ['target', (row) => row.target],
        ['reprocess', (row) => row.toReprocess],
        ['skip', (row) => row.toSkip],
        ['lag after', (row) => row.lagAfter],
        ['note', (row) => (row.clamped ? `clamped to ${row.clamped.to}` : ''), true],
      ],
      plan.partitions,
    ),
    h('p', {}, `${plan.totalToReprocess} record(s) to reprocess, ${plan.totalToSkip} to skip.`),
  );
}

function offsetsPage() {
  const outcome = h('div', {});
  const form = filterForm(
    (values) => {
      const options = { group: values.group, topic: values.topic, 'stop-members': values['stop-members'] };
      if (values.target === 'to-earliest' || values.target === 'to-latest') options[values.target] = true;
      else options[values.target] = values.value;
      previewThenApply({
        command: 'offsets reset',
        options,
        title: `Move ${values.group}'s offsets on ${values.topic}?`,
        renderPlan: offsetPlan,
        renderOutcome: offsetPlan,
        target: outcome,
      });
    },
    input('Consumer group', 'group', { required: true, list: 'groups' }),
    h(
      'datalist',
      { id: 'groups' },
      services.map((service) => h('option', { value: service })),
    ),
    input('Topic', 'topic', { required: true, placeholder: 'shopify.orders.v1' }),
    select('Move to', 'target', [
      ['to-earliest', 'the earliest offset'],
      ['to-latest', 'the latest offset'],
      ['to-offset', 'an offset'],
      ['shift-by', 'a shift (negative: back)'],
      ['to-datetime', 'a time (ISO 8601)'],
    ]),
    input('Offset, shift or time', 'value'),
    h('label', {}, h('input', { type: 'checkbox', name: 'stop-members' }), 'Stop the service meanwhile'),
    h('button', { type: 'submit' }, 'Plan and apply…'),
  );
  show(
    h('h2', {}, 'Offsets'),
    h('p', { class: 'note' }, "Moves a consumer group's committed offsets, to replay or skip records. The plan comes first."),
    form,
    outcome,
  );
}

// Reconciliation --------------------------------------------------------------------------------

function countsOf(counts) {
  return Object.entries(counts ?? {})
    .filter(([, count]) => count > 0)
    .map(([kind, count]) => `${kind}=${count}`)
    .join(' ');
}

function repairPlan(repair) {
  return h(
    'div',
    {},
    h('p', {}, repair.dryRun ? 'Would publish:' : 'Published:'),
    table(
      [
        ['discrepancy', (row) => row.discrepancyId],
        ['kind', (row) => row.kind],
        ['subject', (row) => row.subjectId],
        ['events', (row) => row.events.map((event) => event.eventType).join(', ')],
      ],
      repair.repaired,
      'Nothing to repair.',
    ),
    repair.skipped.length
      ? table(
          [
            ['skipped', (row) => row.discrepancyId],
            ['reason', (row) => row.reason, true],
          ],
          repair.skipped,
        )
      : null,
  );
}

async function reconciliationPage() {
  const runs = h('div', {}, h('p', { class: 'note' }, 'Loading…'));
  const outcome = h('div', {});
  const listRuns = async () => {
    await fill(runs, async () => {
      const listed = await run('reconcile show');
      return [
        table(
          [
            ['run', (row) => h('a', { href: `#/reconciliation/${encodeURIComponent(row.id)}` }, row.id)],
            ['tenant', (row) => row.tenantId],
            ['window', (row) => `${row.windowFrom} .. ${row.windowTo}`],
            ['status', (row) => row.status],
            ['trigger', (row) => row.trigger],
            ['discrepancies', (row) => countsOf(row.counts)],
          ],
          listed.runs,
          'No reconciliation has run yet.',
        ),
      ];
    });
  };
  const form = filterForm(
    (values) => {
      previewThenApply({
        command: 'reconcile run',
        options: values,
        preview: false,
        title: `Compare Shopify with the platform now${values.tenant ? ` for ${values.tenant}` : ''}?`,
        renderOutcome: (run) => h('p', { role: 'alert' }, `Run ${run.id}: ${run.status}, ${countsOf(run.counts) || 'no discrepancies'}.`),
        target: outcome,
      }).then(listRuns);
    },
    input('Tenant', 'tenant'),
    h('button', { type: 'submit' }, 'Run now…'),
  );
  show(h('h2', {}, 'Reconciliation'), form, outcome, h('h3', {}, 'Latest runs'), runs);
  listRuns();
}

async function reconciliationRunPage(runId) {
  const body = h('div', {}, h('p', { class: 'note' }, 'Loading…'));
  const outcome = h('div', {});
  show(h('h2', {}, `Reconciliation run ${runId}`), h('p', {}, h('a', { href: '#/reconciliation' }, '← All runs')), body, outcome);
  await fill(body, async () => {
    const shown = await run('reconcile show', { operands: [runId] });
    return [
      fields([
        ['status', shown.status],
        ['window', `${shown.windowFrom} .. ${shown.windowTo}`],
        ['by', shown.actor],
      ]),
      table(
        [
          ['discrepancy', (row) => row.id],
          ['kind', (row) => row.kind],
          ['subject', (row) => row.subjectId],
          ['Shopify', (row) => JSON.stringify(row.shopifyValue), true],
          ['platform', (row) => JSON.stringify(row.localValue), true],
          ['repaired', (row) => row.repairedAt ?? ''],
        ],
        shown.discrepancies ?? [],
        'No discrepancies: Shopify and the platform agree.',
      ),
      h(
        'div',
        { class: 'actions' },
        h(
          'button',
          {
            onclick: () =>
              previewThenApply({
                command: 'reconcile repair',
                operands: [runId],
                options: { all: true },
                title: 'Publish the repairs of this run?',
                renderPlan: repairPlan,
                renderOutcome: repairPlan,
                target: outcome,
              }),
          },
          'Repair all…',
        ),
      ),
    ];
  });
}

// Audit -----------------------------------------------------------------------------------------

function auditPage() {
  const results = h('div', {});
  const list = async (options) => {
    await fill(results, async () => {
      const listed = await run('audit', { options: { ...options, limit: '100' } });
      return [
        table(
          [
            ['when', (row) => row.startedAt],
            ['app', (row) => row.app],
            ['who', (row) => row.actor],
            ['action', (row) => row.action],
            ['outcome', (row) => row.outcome],
            ['parameters', (row) => JSON.stringify(row.parameters), true],
            ['error', (row) => row.error, true],
          ],
          listed.actions,
          'Nothing recorded matches.',
        ),
      ];
    });
  };
  const form = filterForm(
    (values) => list(values),
    input('Who', 'actor'),
    input('Action or prefix', 'action', { placeholder: 'deadletters.' }),
    h('button', { type: 'submit' }, 'Filter'),
  );
  show(
    h('h2', {}, 'Audit log'),
    h('p', { class: 'note' }, 'Every operator action and every admin call to an app, newest first.'),
    form,
    results,
  );
  list({});
}

// Sign-in and routing ---------------------------------------------------------------------------

function signedOut() {
  operator = null;
  document.getElementById('pages').hidden = true;
  document.getElementById('operator').replaceChildren();
  const key = h('input', { type: 'password', name: 'apiKey', autocomplete: 'current-password', required: true, id: 'api-key' });
  const problem = h('div', {});
  const form = h(
    'form',
    {
      class: 'signin',
      onsubmit: async (event) => {
        event.preventDefault();
        try {
          operator = await api('POST', '/session', { apiKey: key.value });
          signedIn();
        } catch (error) {
          problem.replaceChildren(errorBox(error));
          key.select();
        }
      },
    },
    h('h2', {}, 'Sign in'),
    h('label', { for: 'api-key' }, 'Operator key', key),
    h('p', { class: 'note' }, 'Your API key. The console acts under its name, with its scopes.'),
    problem,
    h('button', { type: 'submit' }, 'Sign in'),
  );
  show(form);
  key.focus();
}

function signedIn() {
  document.getElementById('pages').hidden = false;
  document
    .getElementById('operator')
    .replaceChildren(
      h('span', {}, `${operator.operator}${operator.mayChange ? '' : ' (read only)'}`),
      h('button', { class: 'secondary', onclick: async () => (await api('DELETE', '/session'), signedOut()) }, 'Sign out'),
    );
  if (!location.hash || location.hash === '#/') location.hash = '#/deliveries';
  else route();
}

const routes = [
  [/^#\/deliveries\/(.+)$/, (id) => deliveryPage(decodeURIComponent(id))],
  [/^#\/deliveries$/, deliveriesPage],
  [/^#\/deadletters\/(.+)$/, (id) => deadLetterPage(decodeURIComponent(id))],
  [/^#\/deadletters$/, deadLettersPage],
  [/^#\/replay$/, replayPage],
  [/^#\/offsets$/, offsetsPage],
  [/^#\/reconciliation\/(.+)$/, (id) => reconciliationRunPage(decodeURIComponent(id))],
  [/^#\/reconciliation$/, reconciliationPage],
  [/^#\/audit$/, auditPage],
];

function route() {
  if (!operator) return signedOut();
  const [path, query = ''] = location.hash.split('?');
  for (const link of document.querySelectorAll('#pages a')) {
    if (path.startsWith(link.getAttribute('href'))) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  status('');
  for (const [pattern, page] of routes) {
    const match = pattern.exec(path);
    if (match) {
      const params = match.length > 1 ? match.slice(1) : [new URLSearchParams(query)];
      page(...params);
      main.focus();
      return;
    }
  }
  show(h('h2', {}, 'No such page'), h('p', {}, h('a', { href: '#/deliveries' }, 'Deliveries')));
}

// The skip link moves the focus only: its #main would otherwise be read as a page to route to.
document.querySelector('.skip').addEventListener('click', (event) => {
  event.preventDefault();
  main.focus();
});
window.addEventListener('hashchange', route);
api('GET', '/session')
  .then((session) => {
    operator = session;
    signedIn();
  })
  .catch(() => signedOut());
