// The arrowhttp web page: the catalog, a dataset's schema and metadata, its first rows as they
// arrive, a full fetch with live progress and a histogram, and saving as an .arrows file. It speaks
// to the server that serves it (the page lives at <base>/ui/), through the JavaScript client.
import { Type } from 'apache-arrow';
import { ArrowHttpError, fetchCatalog, fetchStreamBytes, handshake, openDataset } from '@arrowhttp/client';
import { $, clear, element, formatBytes, formatCount } from './dom.js';
import { formatValue, rawTimestamp, typeName } from './format.js';
import { HistogramChart, StreamedHistogram } from './histogram.js';

const base = new URL('..', window.location.href);
/** The bearer token after signing in: in memory only, gone with the page. */
let token = null;
let datasets = [];
let selected = null;
let running = null;
let chart = null;

window.addEventListener('DOMContentLoaded', () => {
  $('server').textContent = base.origin + base.pathname;
  $('login').addEventListener('submit', signIn);
  $('show-rows').addEventListener('click', () => transfer(showRows));
  $('fetch-all').addEventListener('click', () => transfer(fetchAll));
  $('save').addEventListener('click', () => transfer(save));
  $('cancel').addEventListener('click', () => running?.abort());
  chart = new HistogramChart($('histogram'));
  loadCatalog();
});

async function loadCatalog() {
  try {
    datasets = await fetchCatalog(base, { token });
  } catch (error) {
    if (error instanceof ArrowHttpError && error.status === 401) {
      $('login').hidden = false;
      $('workspace').hidden = true;
      return;
    }
    $('login').hidden = false;
    $('login-error').textContent = `The catalog could not be loaded: ${error.message}`;
    return;
  }
  $('login').hidden = true;
  $('workspace').hidden = false;
  const list = clear($('datasets'));
  for (const dataset of datasets) {
    const item = element('li', null, { 'data-name': dataset.name });
    item.append(element('strong', dataset.name));
    const rows = dataset.totalRecords == null ? '' : `${formatCount(dataset.totalRecords)} rows · `;
    item.append(element('small', rows + (dataset.description || '')));
    item.addEventListener('click', () => select(dataset.name));
    list.append(item);
  }
  if (datasets.length > 0) select(selected?.name ?? datasets[0].name);
}

async function signIn(event) {
  event.preventDefault();
  $('login-error').textContent = '';
  try {
    const answer = await handshake(base, $('user').value, $('password').value);
    token = answer.token;
    $('password').value = '';
    $('signed-in').textContent = `signed in as ${$('user').value}`;
    $('signed-in').hidden = false;
    await loadCatalog();
  } catch (error) {
    $('password').value = '';
    $('login-error').textContent =
      error instanceof ArrowHttpError && error.status === 401 ? 'Wrong user name or password.' : error.message;
  }
}

function select(name) {
  selected = datasets.find((dataset) => dataset.name === name);
  for (const item of $('datasets').children) item.classList.toggle('selected', item.dataset.name === name);
  $('dataset').hidden = false;
  $('dataset-name').textContent = selected.name;
  $('dataset-description').textContent = selected.description || '';

  const metadata = clear($('metadata'));
  const facts = [
    ['rows', selected.totalRecords == null ? 'not known before reading' : formatCount(selected.totalRecords)],
    ['bytes', selected.totalBytes == null ? 'not known before reading' : formatBytes(selected.totalBytes)],
    ['endpoints', String(selected.endpoints?.length ?? 1)],
    ['location', selected.location],
    ['Arrow IPC codecs', (selected.compression?.ipcCodecs || []).join(', ') || 'none'],
    ['HTTP content codings', (selected.compression?.contentCodings || []).join(', ') || 'none'],
  ];
  for (const [term, value] of facts) metadata.append(element('dt', term), element('dd', value));

  const fields = selected.schema?.fields || [];
  const schema = clear($('schema').tBodies[0]);
  const columns = clear($('columns'));
  const chartColumn = clear($('chart-column'));
  for (const field of fields) {
    schema.append(row([field.name, typeName(field), field.nullable ? 'yes' : 'no']));
    const box = element('input', null, { type: 'checkbox', value: field.name });
    box.checked = true;
    const label = element('label');
    label.append(box, ` ${field.name}`);
    columns.append(label);
    if (['int', 'floatingpoint', 'decimal'].includes(field.type?.name) && !field.dictionary) {
      chartColumn.append(element('option', field.name, { value: field.name }));
    }
  }
  chartColumn.append(element('option', '(none)', { value: '' }));
  showParameters(selected.parameters || []);
  clear($('rows').tHead);
  clear($('rows').tBodies[0]);
  chart.clear();
  $('histogram-summary').textContent = '';
  setProgress(0, null, 0, 0);
  $('status').textContent = '';
}

/** The dataset's declared parameters as form fields, with their type, default and whether required. */
function showParameters(parameters) {
  const form = clear($('parameters'));
  form.hidden = parameters.length === 0;
  for (const parameter of parameters) {
    const input = element('input', null, { name: parameter.name, 'data-parameter': parameter.name });
    input.type = { long: 'number', double: 'number', date: 'date', boolean: 'text' }[parameter.type] ?? 'text';
    if (parameter.type === 'double') input.step = 'any';
    input.required = parameter.required;
    input.placeholder = parameter.defaultValue ?? '';
    const label = element('label', `${parameter.name} `);
    const note = parameter.required ? `${parameter.type}, required` :
      `${parameter.type}${parameter.defaultValue == null ? '' : `, default ${parameter.defaultValue}`}`;
    label.append(input, element('small', ` ${note}`));
    form.append(label);
  }
}

function row(values, tag = 'td') {
  const tr = element('tr');
  for (const value of values) tr.append(element(tag, value));
  return tr;
}

/** The request the controls describe: the columns and other parameters (the limit is for rows). */
function request() {
  const boxes = [...$('columns').querySelectorAll('input[type=checkbox]')];
  const chosen = boxes.filter((box) => box.checked).map((box) => box.value);
  const params = Object.fromEntries(new URLSearchParams($('params').value.trim()));
  for (const input of $('parameters').querySelectorAll('input[data-parameter]')) {
    if (input.value !== '') params[input.dataset.parameter] = input.value;
  }
  return { columns: chosen.length === boxes.length ? undefined : chosen, params, token };
}

/** Runs one transfer at a time, with the Cancel button and errors shown in the status line. */
async function transfer(action) {
  if (running || !selected) return;
  running = new AbortController();
  $('cancel').disabled = false;
  for (const id of ['show-rows', 'fetch-all', 'save']) $(id).disabled = true;
  $('status').className = '';
  $('status').textContent = '';
  $('transfer').dataset.state = 'running';
  try {
    await action({ ...request(), signal: running.signal });
    $('transfer').dataset.state = 'done';
  } catch (error) {
    $('transfer').dataset.state = error.name === 'AbortError' ? 'cancelled' : 'failed';
    if (error.name === 'AbortError') $('status').textContent = 'Cancelled.';
    else showError(error);
  } finally {
    running = null;
    $('cancel').disabled = true;
    for (const id of ['show-rows', 'fetch-all', 'save']) $(id).disabled = false;
  }
}

function showError(error) {
  $('status').className = 'error';
  $('status').textContent = error.message;
}

/** Streams the first `limit` rows into the table, each batch as soon as it arrives. */
async function showRows(options) {
  const limit = $('limit').value === '' ? 100 : Number($('limit').value);
  const response = await openDataset(selected.location, { ...options, limit });
  const fields = response.schema.fields;
  const names = fields.map((field) => field.name);
  clear($('rows').tHead).append(row(names, 'th'));
  const body = clear($('rows').tBodies[0]);
  const started = performance.now();
  let shown = 0;
  // Datasets that do not take `limit` send everything: the page stops reading at the limit.
  for await (const batch of response) {
    const vectors = names.map((name) => batch.getChild(name));
    const fragment = document.createDocumentFragment();
    const take = Math.min(batch.numRows, limit - shown);
    for (let i = 0; i < take; i++) fragment.append(row(vectors.map((vector, c) => display(fields[c], vector, i))));
    body.append(fragment);
    shown += take;
    report(response, expectedRows(response, limit), started);
    if (shown >= limit) break;
  }
  $('status').textContent = `${formatCount(shown)} rows shown.`;
}

function display(field, vector, index) {
  const raw = field.type.typeId === Type.Timestamp ? rawTimestamp(vector, index) : undefined;
  return formatValue(field, vector.get(index), raw);
}

/**
 * Fetches the whole dataset (or what the controls ask for), decoding every batch and keeping none:
 * the progress bar and the histogram are all that stays.
 */
async function fetchAll(options) {
  const column = $('chart-column').value;
  const histogram = new StreamedHistogram();
  chart.clear();
  const response = await openDataset(selected.location, options);
  const total = expectedRows(response, null);
  const started = performance.now();
  for await (const batch of response) {
    if (column && batch.getChild(column)) {
      histogram.add(batch.getChild(column));
      chart.show(histogram);
    }
    report(response, total, started);
  }
  report(response, total, started);
  if (column) {
    chart.final(histogram);
    $('histogram-summary').textContent = `${column}: ${formatCount(histogram.count)} values` +
      (histogram.nulls ? `, ${formatCount(histogram.nulls)} nulls` : '');
    $('histogram-summary').dataset.count = String(histogram.count + histogram.nulls);
  }
  $('status').textContent = `${formatCount(response.rows)} rows in ${response.batches} batches, complete.`;
}

/** Saves the bare Arrow stream as an .arrows file, once it has arrived whole. */
async function save(options) {
  const pieces = [];
  const started = performance.now();
  let bytes = 0;
  for await (const piece of fetchStreamBytes(selected.location, options)) {
    pieces.push(piece);
    bytes += piece.length;
    $('progress-text').textContent = `${formatBytes(bytes)} · ${formatBytes(bytes / seconds(started))}/s`;
  }
  const link = element('a', null, { download: `${selected.name}.arrows` });
  link.href = URL.createObjectURL(new Blob(pieces, { type: 'application/vnd.apache.arrow.stream' }));
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
  $('status').textContent = `Saved ${selected.name}.arrows, ${formatBytes(bytes)}.`;
}

/** The rows this response will have, when known: for the % of the progress bar. */
function expectedRows(response, limit) {
  let total = null;
  if (response.metadata && typeof response.metadata.totalRecords === 'number') {
    total = response.metadata.totalRecords;
  } else if (Object.keys(request().params).length === 0 && selected.totalRecords != null) {
    total = selected.totalRecords;
  }
  if (limit !== undefined && limit !== null) total = total === null ? null : Math.min(total, limit);
  return total;
}

function seconds(started) {
  return Math.max((performance.now() - started) / 1000, 0.001);
}

function report(response, total, started) {
  setProgress(response.rows, total, response.bytesReceived, seconds(started));
}

function setProgress(rows, total, bytes, elapsed) {
  const progress = $('progress');
  if (total === null || total === 0) {
    if (rows === 0) progress.value = 0;
    else progress.removeAttribute('value');
  } else {
    progress.value = Math.min(100, (100 * rows) / total);
  }
  const percent = total ? ` (${Math.floor((100 * rows) / total)} %)` : '';
  const of = total === null ? '' : ` of ${formatCount(total)}`;
  $('progress-text').textContent = rows === 0 && bytes === 0 ? '' :
    `${formatCount(rows)}${of} rows${percent} · ${formatBytes(bytes)} · ${formatCount(Math.round(rows / elapsed))} rows/s`;
  $('progress-text').dataset.rows = String(rows);
}
